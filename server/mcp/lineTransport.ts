/**
 * An MCP transport over any pair of byte streams (stdio, a unix socket, a named pipe),
 * one JSON-RPC message per line.
 *
 * It replaces the SDK's stdio transport because that one answers a malformed line with
 * silence (the client waits forever) and closes the whole session when a line exceeds
 * its buffer. Here a line that is not JSON gets a JSON-RPC parse error (-32700), a line
 * that is JSON but not a JSON-RPC message gets an invalid-request error (-32600), and a
 * line longer than the cap is discarded as it streams in (memory stays bounded by the
 * cap) and answered with an invalid-request error; in every case the session goes on.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../engine/logger';

/** Longest accepted line (bytes). Tool arguments are small; 4 MiB leaves room for long issue texts. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** JSON-RPC error codes this transport answers with itself. */
export const JsonRpcError = { ParseError: -32700, InvalidRequest: -32600 } as const;

/** Options for a line transport. */
export interface LineTransportOptions {
  maxLineBytes?: number;
  logger?: Logger;
}

/** A newline-delimited JSON-RPC transport with a bounded line reader. */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private parts: Buffer[] = [];
  private size = 0;
  /** True while skipping the rest of an oversized line. */
  private discarding = false;
  private closed = false;
  private readonly maxLineBytes: number;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly opts: LineTransportOptions = {},
  ) {
    this.maxLineBytes = opts.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /** Bytes held for the line being read (never more than the cap). */
  get bufferedBytes(): number {
    return this.size;
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('error', this.onStreamError);
    this.output.on('error', this.onStreamError);
  }

  private readonly onData = (chunk: Buffer | string): void => {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    while (buf.length > 0) {
      const nl = buf.indexOf(10);
      const piece = nl === -1 ? buf : buf.subarray(0, nl);
      if (!this.discarding) {
        if (this.size + piece.length > this.maxLineBytes) {
          // Drop what we hold and skip to the next newline: memory stays at the cap.
          this.parts = [];
          this.size = 0;
          this.discarding = true;
          this.opts.logger?.warn(`MCP: refused a message longer than ${this.maxLineBytes} bytes`);
          this.reply(null, JsonRpcError.InvalidRequest, `Request too large: a message may be at most ${this.maxLineBytes} bytes; send smaller arguments.`);
        } else {
          this.parts.push(piece);
          this.size += piece.length;
        }
      }
      if (nl === -1) break;
      if (this.discarding) this.discarding = false;
      else this.flushLine();
      buf = buf.subarray(nl + 1);
    }
  };

  private flushLine(): void {
    const line = Buffer.concat(this.parts, this.size).toString('utf8').replace(/\r$/, '');
    this.parts = [];
    this.size = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      this.reply(null, JsonRpcError.ParseError, `Parse error: the line is not valid JSON (${(error as Error).message}); send one JSON-RPC message per line.`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = json && typeof json === 'object' && 'id' in json && (typeof json.id === 'string' || typeof json.id === 'number') ? json.id : null;
      this.reply(id, JsonRpcError.InvalidRequest, 'Invalid Request: not a JSON-RPC 2.0 message (needs "jsonrpc": "2.0" and a method or a result).');
      return;
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  private reply(id: string | number | null, code: number, message: string): void {
    this.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } }) + '\n');
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.output.write(text)) resolve();
      else this.output.once('drain', () => resolve());
    });
  }

  private readonly onEnd = (): void => {
    void this.close();
  };

  private readonly onStreamError = (error: Error): void => {
    this.onerror?.(error);
  };

  async send(message: JSONRPCMessage): Promise<void> {
    await this.write(JSON.stringify(message) + '\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onStreamError);
    this.output.off('error', this.onStreamError);
    this.parts = [];
    this.onclose?.();
  }
}
