// Package nbformat reads, writes and checks Jupyter notebooks (nbformat 4,
// written as 4.5) with no Python.
//
// Its writer produces the bytes Python's nbformat.writes produces for the
// same notebook: keys sorted, a one-space indent, multiline strings split
// into lists of lines by str.splitlines' rules (text/*, application/javascript
// and image/svg+xml values; base64 images stay one string), HTML and
// non-ASCII characters as themselves, U+2028 and U+2029 unescaped, numbers in
// metadata and data kept as written, a final newline. That fidelity is what
// lets a notebook executed headless be committed, opened and saved in
// Jupyter, and executed again with no diff but its outputs; it is tested
// byte for byte against a notebook written by nbformat itself
// (testdata/notebooks/nbformat-edge-cases.ipynb).
//
// The reader accepts what nbformat reads (multiline strings as a string or a
// list of lines, nbformat 4.0–4.5) and rejects anything else with an error
// that names the file, the cell and the field, and also what it could not
// write back unchanged: bytes that are not UTF-8 and escaped halves of
// UTF-16 surrogate pairs, named by their offset. Output.Check is the rule
// for outputs, shared by the reader and the runner that builds them, so that
// what is written always reads back. Validate checks the required
// structure of the nbformat 4.5 schema, as nbformat.validate does for the
// notebooks noether writes, so that tests need no Python to know that Jupyter
// will open a notebook.
//
// Outputs are kept as nbformat stores them (Output); turning the messages of
// a running kernel into outputs is the kernel package's job.
package nbformat
