/** opencc-js ships its dictionaries as untyped ES modules exporting one "from to|from to|…" string. */
declare module 'opencc-js/dict/*' {
  const table: string;
  export default table;
}
