/**
 * Document codecs (PDF, DOCX/XLSX/PPTX, Markdown, HTML, SVG, plain text): format-specific and hostile cases beyond
 * the conformance suite, one module per family.
 */
import './docs-pdf.ts';
import './docs-ooxml.ts';
import './docs-text.ts';
