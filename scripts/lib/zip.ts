// A small reader for the zip files vsce writes (a .vsix is a zip), so packaging can
// report what it shipped and tests can look inside a package without `unzip`, which a
// fresh machine may not have. It reads the central directory, which is all a listing
// needs, and inflates single entries on demand. Zip64 archives are refused with a clear
// message: a .vsix over 4 GiB or 65,535 files would be a packaging bug in itself.
import { open, readFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** One file in a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  name: string;
  /** Uncompressed size in bytes. */
  size: number;
  /** Size as stored. */
  compressedSize: number;
  /** 0 = stored, 8 = deflated. */
  method: number;
  /** Where the entry's local header starts. */
  localHeaderOffset: number;
}

/** Lists the entries of a zip file from its central directory. */
export async function listZip(file: string): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    // The end record is 22 bytes plus a comment of at most 65,535 bytes.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error(`zip: ${file} has no end-of-central-directory record; it is not a zip file`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdOffset === 0xffffffff) throw new Error(`zip: ${file} is a zip64 archive, which this reader does not support`);
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== CENTRAL_FILE_HEADER) throw new Error(`zip: ${file} has a corrupt central directory at entry ${i}`);
      const method = cd.readUInt16LE(p + 10);
      const compressedSize = cd.readUInt32LE(p + 20);
      const sizeU = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
      entries.push({ name, size: sizeU, compressedSize, method, localHeaderOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Reads one entry's uncompressed bytes. */
export async function readZipEntry(file: string, entry: ZipEntry): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(30);
    await handle.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new Error(`zip: bad local header for ${entry.name}`);
    // The local header's name and extra lengths can differ from the central directory's.
    const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = Buffer.alloc(entry.compressedSize);
    await handle.read(data, 0, entry.compressedSize, dataStart);
    if (entry.method === 0) return data;
    if (entry.method === 8) return inflateRawSync(data);
    throw new Error(`zip: ${entry.name} uses compression method ${entry.method}, which this reader does not support`);
  } finally {
    await handle.close();
  }
}

/**
 * Extracts every entry under `prefix` (e.g. `extension/`) into `dest`, dropping the prefix.
 * Entry names that would escape `dest` are refused. Returns how many files were written.
 */
export async function extractZip(file: string, dest: string, prefix = ''): Promise<number> {
  const whole = await readFile(file);
  let written = 0;
  for (const entry of await listZip(file)) {
    if (!entry.name.startsWith(prefix) || entry.name.endsWith('/')) continue;
    // A prefix naming one file extracts that file under its own name.
    const rel = entry.name === prefix ? basename(entry.name) : normalize(entry.name.slice(prefix.length));
    if (rel.startsWith('..' + sep) || rel === '..') throw new Error(`zip: entry ${entry.name} would escape ${dest}`);
    const start = entry.localHeaderOffset + 30 + whole.readUInt16LE(entry.localHeaderOffset + 26) + whole.readUInt16LE(entry.localHeaderOffset + 28);
    const raw = whole.subarray(start, start + entry.compressedSize);
    const data = entry.method === 8 ? inflateRawSync(raw) : raw;
    const target = join(dest, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
    written++;
  }
  return written;
}
