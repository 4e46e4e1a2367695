#!/usr/bin/env node
// `npm start`: with no arguments, the server (`hegui serve`); with arguments (`npm start -- label …`), the CLI.
import { main } from '../dist/cli/main.js';

const args = process.argv.length > 2 ? process.argv : [...process.argv, 'serve'];
process.exitCode = await main(args);
