import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function onPath(name: string): string | undefined {
  try {
    const p = execFileSync('sh', ['-c', `command -v ${name}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return p || undefined;
  } catch {
    return undefined;
  }
}

function fromPackage(pkg: string): string | undefined {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, string>();

function resolveTool(env: string, name: string, pkg: string): string {
  const hit = cache.get(name);
  if (hit) return hit;
  const found = process.env[env] || onPath(name) || fromPackage(pkg);
  if (!found) throw new Error(`${name} not found: set ${env}, put ${name} on PATH, or install ${pkg}`);
  cache.set(name, found);
  return found;
}

/** ffmpeg: `HEGUI_FFMPEG`, else `ffmpeg` on PATH, else the binary inside `@ffmpeg-installer/ffmpeg`. */
export const ffmpegPath = (): string => resolveTool('HEGUI_FFMPEG', 'ffmpeg', '@ffmpeg-installer/ffmpeg');
/** ffprobe: `HEGUI_FFPROBE`, else `ffprobe` on PATH, else the binary inside `@ffprobe-installer/ffprobe`. */
export const ffprobePath = (): string => resolveTool('HEGUI_FFPROBE', 'ffprobe', '@ffprobe-installer/ffprobe');
