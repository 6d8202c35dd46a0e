import { NOTHING_TO_OFFER } from "./candidates.js";

/**
 * The script `NAME completion` prints, for bash and zsh alike (it looks at which shell
 * sources it). Both halves hand the words typed so far to `NAME --get-completions` and
 * offer what it prints, one candidate a line; when it prints nothing and exits 0 the word is
 * a file name, and the shell's own file completion takes over; exiting `NOTHING_TO_OFFER`
 * it means a value only the user knows: nothing is offered.
 */
export function completionScript(name: string): string {
  const fn = `_${name.replace(/[^A-Za-z0-9]/g, "_")}_complete`;
  return `# ${name} completion for bash and zsh. Set up with one of:
#   ${name} completion >> ~/.bashrc        (or ~/.zshrc)
#   source <(${name} completion)
if [ -n "\${ZSH_VERSION-}" ]; then
  ${fn}() {
    local -a candidates open
    local out
    out=$(${name} --get-completions "\${(@)words[2,CURRENT]}" 2>/dev/null)
    (( $? == ${NOTHING_TO_OFFER} )) && return 1
    candidates=("\${(@f)out}")
    candidates=("\${(@)candidates:#}")
    # A candidate ending in = (--set ID_DFR0_EL1=) waits for its value: no space after it.
    open=("\${(@M)candidates:#*=}")
    candidates=("\${(@)candidates:#*=}")
    if (( \${#candidates} + \${#open} )); then
      compadd -Q -a candidates
      compadd -Q -S '' -a open
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
    local IFS=$'\\n' out
    out=$(${name} --get-completions "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    # A value only the user knows (--set ID_DFR0_EL1=): no file names either.
    (( $? == ${NOTHING_TO_OFFER} )) && compopt +o default +o bashdefault
    COMPREPLY=($out)
    # A candidate ending in = (--set ID_DFR0_EL1=) waits for its value: no space after it.
    if [[ \${#COMPREPLY[@]} -eq 1 && \${COMPREPLY[0]} == *= ]]; then
      compopt -o nospace
    fi
  }
  # -o default: no candidates means a file name, completed by readline.
  complete -o default -o bashdefault -F ${fn} ${name}
fi
`;
}
