/**
 * The script `NAME completion` prints, for bash and zsh alike (it looks at which shell
 * sources it). Both halves hand the words typed so far to `NAME --get-completions` and
 * offer what it prints, one candidate a line; when it prints nothing the word is a file
 * name, and the shell's own file completion takes over.
 */
export function completionScript(name: string): string {
  const fn = `_${name.replace(/[^A-Za-z0-9]/g, "_")}_complete`;
  return `# ${name} completion for bash and zsh. Set up with one of:
#   ${name} completion >> ~/.bashrc        (or ~/.zshrc)
#   source <(${name} completion)
if [ -n "\${ZSH_VERSION-}" ]; then
  ${fn}() {
    local -a candidates
    candidates=("\${(@f)$(${name} --get-completions "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    candidates=("\${(@)candidates:#}")
    if (( \${#candidates} )); then
      compadd -Q -a candidates
    else
      _files
    fi
  }
  # compdef comes with zsh's completion system; start it if ~/.zshrc has not.
  if ! (( \${+functions[compdef]} )); then
    autoload -Uz compinit && compinit
  fi
  compdef ${fn} ${name}
else
  ${fn}() {
    local IFS=$'\\n'
    COMPREPLY=($(${name} --get-completions "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  }
  # -o default: no candidates means a file name, completed by readline.
  complete -o default -o bashdefault -F ${fn} ${name}
fi
`;
}
