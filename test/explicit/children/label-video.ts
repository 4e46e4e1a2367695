/**
 * Child process of ffmpeg-tools.test.ts: label a video with the environment it was started with, then print the
 * ffmpeg and ffprobe the library resolved (they are chosen once per process).
 */
import { renderVideoLabel } from '../../../src/index.ts';
import { ffmpegPath, ffprobePath } from '../../../src/media/tools.ts';

const [input, output] = process.argv.slice(2) as [string, string];
const report = await renderVideoLabel(input, output);
console.log(JSON.stringify({ ffmpeg: ffmpegPath(), ffprobe: ffprobePath(), encoder: report.encoder }));
