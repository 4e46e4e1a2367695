/**
 * Documents for the text label tests. `intact` lists spans that must come out contiguous and unchanged: code, HTML
 * blocks, front matter, tags, script and style bodies. A label inserted inside one would break it apart.
 */
import type { TextFormat } from '../../src/index.ts';

export interface Doc {
  name: string;
  format: TextFormat;
  text: string;
  intact: string[];
}

const FENCE = '```js\nlet a = 1;\n\nlet b = 2;\n```\n';
const INDENTED = '    indented code\n\n    more code\n';
const LIST_FENCE = '- item one\n\n  ```\n  fenced in item\n\n  still fenced\n  ```\n';
const QUOTE_FENCE = '> ~~~\n> code in quote\n>\n> more\n> ~~~\n';
const COMMENT = '<!-- comment\n\nstill comment -->\n';
const SCRIPT_MD = '<script>\nvar x = 1;\n\nvar y;\n</script>\n';
const YAML = '---\ntitle: Report\ntags: [a, b]\n---\n';

export const DOCS: Doc[] = [
  {
    name: 'plain paragraphs',
    format: 'plain',
    text: 'First paragraph,\nwith two lines.\n\nSecond paragraph.\n\nThird.\n',
    intact: [],
  },
  { name: 'plain one line', format: 'plain', text: 'Just one line without a break', intact: [] },
  { name: 'plain with blank-ish lines and CR', format: 'plain', text: 'A\r\n  \r\nB\r\n\r\nC', intact: [] },
  {
    name: 'markdown fences and indented code',
    format: 'markdown',
    text: `Intro para\nsecond line with \`code\nspan\` inside\n\n${FENCE}\n${INDENTED}\nLast para.\n`,
    intact: [FENCE, INDENTED, '`code\nspan`'],
  },
  {
    name: 'markdown containers',
    format: 'markdown',
    text: `${LIST_FENCE}\n> quote para\n\n${QUOTE_FENCE}\nTop para.\n\nEnd.`,
    intact: [LIST_FENCE, QUOTE_FENCE],
  },
  {
    name: 'markdown html blocks',
    format: 'markdown',
    text: `<div>\n\nhtml block text\n</div>\n\n${COMMENT}\nPara after.\n\n${SCRIPT_MD}\nFinal.\n`,
    intact: [COMMENT, SCRIPT_MD],
  },
  {
    name: 'markdown yaml front matter',
    format: 'markdown',
    text: `${YAML}# Title\n\nBody paragraph one.\n\n## Part\n\nBody two.\n`,
    intact: [YAML],
  },
  {
    name: 'markdown toml front matter, no break at the end',
    format: 'markdown',
    text: '+++\ntitle = "x"\n+++\n# Heading\n\nBody.',
    intact: ['+++\ntitle = "x"\n+++\n'],
  },
  {
    name: 'markdown unclosed fence',
    format: 'markdown',
    text: '# T\n\nPara.\n\n~~~~\nunclosed fence\n\nstill code',
    intact: ['~~~~\nunclosed fence\n\nstill code'],
  },
  {
    name: 'markdown unclosed comment',
    format: 'markdown',
    text: 'Para.\n\n<!-- unclosed comment\n\nhidden\n',
    intact: ['<!-- unclosed comment\n\nhidden\n'],
  },
  {
    name: 'markdown starting with code',
    format: 'markdown',
    text: '```\n---\n# not a heading\n```\n\nText after code.\n\nMore.\n',
    intact: ['```\n---\n# not a heading\n```\n'],
  },
  {
    name: 'markdown setext heading, thematic break, table',
    format: 'markdown',
    text: 'Title\n=====\n\nPara with **bold**.\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter table.\n',
    intact: ['| a | b |\n|---|---|\n| 1 | 2 |\n'],
  },
  {
    name: 'markdown with a BOM and CRLF',
    format: 'markdown',
    text: '\ufeff---\r\na: 1\r\n---\r\n## Head\r\n\r\nPara one.\r\n\r\n```\r\ncode\r\n```\r\n',
    intact: ['---\r\na: 1\r\n---\r\n', '```\r\ncode\r\n```\r\n'],
  },
  { name: 'markdown dashes only', format: 'markdown', text: '---', intact: [] },
  { name: 'markdown deep heading', format: 'markdown', text: '####### not a heading\n\nx\n', intact: [] },
  { name: 'markdown ordered list', format: 'markdown', text: '12. twelve\n13. thirteen\n\nafter\n', intact: [] },
  {
    name: 'html document',
    format: 'html',
    text: '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n<title>A</title>\n<style>p > b { color: red }</style>\n</head>\n<body class="page">\n<h1>Title</h1>\n<p>First <b>para</b>.</p>\n<p>Second.</p>\n</body>\n</html>\n',
    intact: ['<style>p > b { color: red }</style>', '<body class="page">', '<title>A</title>'],
  },
  {
    name: 'html without body tag, tricky raw text',
    format: 'html',
    text: '<!doctype html><title>x</title><script>if (a < b) document.write("</body><p>");</script><pre><code><p>x</p>\n</code></pre><p title="a > b">One</p><p>Two</p>',
    intact: [
      '<script>if (a < b) document.write("</body><p>");</script>',
      '<pre><code><p>x</p>\n</code></pre>',
      '<p title="a > b">',
    ],
  },
  {
    name: 'html fragment with comment and table',
    format: 'html',
    text: '<!-- note </p> <body> -->\n<table><tr><td><p>cell</p></td></tr></table>\n<div><p>Para in div.</p></div>\n<p>Last</p>\n',
    intact: ['<!-- note </p> <body> -->', '<table><tr><td><p>cell</p></td></tr></table>'],
  },
  {
    name: 'html upper case, attributes with quotes',
    format: 'html',
    text: '<HTML><HEAD><TITLE>T</TITLE></HEAD><BODY onload=\'x(">")\'><P>Hi</P><TEXTAREA></BODY></TEXTAREA></BODY></HTML>',
    intact: ['<BODY onload=\'x(">")\'>', '<TEXTAREA></BODY></TEXTAREA>'],
  },
  { name: 'html text only', format: 'html', text: 'Hello & goodbye', intact: [] },
];
