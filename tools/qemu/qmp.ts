/**
 * A minimal QMP (QEMU Machine Protocol) client over a unix socket.
 *
 * Why our own: we only need the handshake, one command at a time and the error text, and we
 * want no runtime dependency in the tooling. QMP is newline-delimited JSON: the server sends a
 * greeting (`{"QMP": …}`), the client must send `qmp_capabilities` before anything else, each
 * command gets exactly one `{"return": …}` or `{"error": {"class", "desc"}}`, and asynchronous
 * `{"event": …}` messages may arrive at any time (we ignore them).
 */
import { connect, type Socket } from "node:net";

/** A command QEMU rejected; `desc` is QEMU's human-readable reason. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${desc}`);
    this.name = "QmpError";
  }
}

/** The QMP connection closed (usually because QEMU exited) while a reply was awaited. */
export class QmpClosedError extends Error {
  constructor(readonly command: string) {
    super(`QMP connection closed while waiting for ${command}`);
    this.name = "QmpClosedError";
  }
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** One QMP session. Commands are matched to replies by an `id` we attach to each. */
export class QmpClient {
  private buffer = "";
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  private greeting: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.onData(chunk));
    socket.on("close", () => this.onClose());
    socket.on("error", () => this.onClose());
  }

  /**
   * Connects, waits for the greeting and negotiates capabilities.
   * @throws if the socket cannot be opened or the greeting does not arrive in `timeoutMs`.
   */
  static async connect(path: string, timeoutMs = 10_000): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
    const client = new QmpClient(socket);
    const greeting = new Promise<unknown>((resolve, reject) => {
      client.greeting = { resolve, reject };
    });
    await withTimeout(greeting, timeoutMs, "QMP greeting");
    await client.execute("qmp_capabilities");
    return client;
  }

  /** True once the socket closed (QEMU exited or `close()` was called). */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs one command and returns its `return` value.
   * @throws QmpError with QEMU's `desc` when QEMU answers with an error.
   * @throws QmpClosedError when the connection ends first.
   */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new QmpClosedError(command));
    const id = this.nextId++;
    const msg: Record<string, unknown> = { execute: command, id };
    if (args !== undefined) msg.arguments = args;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify(msg) + "\n");
    });
  }

  /** Sends `quit` and tolerates QEMU closing the socket before or after replying. */
  async quit(): Promise<void> {
    try {
      await this.execute("quit");
    } catch (err) {
      if (!(err instanceof QmpClosedError)) throw err;
    }
    this.close();
  }

  /** Closes the socket; pending commands fail with QmpClosedError. */
  close(): void {
    this.socket.destroy();
    this.onClose();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private onMessage(msg: Record<string, unknown>): void {
    if ("QMP" in msg) {
      this.greeting?.resolve(msg);
      this.greeting = undefined;
      return;
    }
    if ("event" in msg) return; // asynchronous events are not needed by our tools
    const id = typeof msg.id === "number" ? msg.id : undefined;
    const entry = id !== undefined ? this.pending.get(id) : undefined;
    if (!entry || id === undefined) return;
    this.pending.delete(id);
    if ("error" in msg) {
      const e = msg.error as { class?: string; desc?: string };
      entry.reject(new QmpError(entry.command, e.class ?? "GenericError", e.desc ?? ""));
    } else {
      entry.resolve(msg.return);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.greeting?.reject(new QmpClosedError("greeting"));
    this.greeting = undefined;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new QmpClosedError(p.command));
    }
  }
}

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
