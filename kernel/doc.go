// Package kernel owns noether's Jupyter kernel: the kernelspec that runs the
// pinned GoNB, the connection files that start it, and a Go client that speaks
// the Jupyter messaging protocol (version 5.3) to it over ZeroMQ.
//
// The client is what executes the notebooks headless, with no Python: it
// starts the kernel, sends each code cell as an execute_request on the shell
// socket, collects the replies published on iopub (stream, display_data,
// update_display_data, execute_result, clear_output, error) into nbformat
// outputs, and writes the executed notebook back as nbformat 4.5 through
// kernel/nbformat, byte for byte as Jupyter would.
//
// Every message is signed with HMAC-SHA256 over its header, parent header,
// metadata and content, using the random key of the connection file; messages
// whose signature does not verify are dropped and counted, never trusted.
//
// Failure modes are reported, never hung on: a cell past its timeout is
// interrupted (interrupt_request on the control socket), and if the kernel does
// not answer within a grace period it is shut down and its process group
// killed; a kernel process that dies mid-cell ends the wait at once with an
// error that carries the tail of the kernel's own log.
//
// What a Go program needs to run notebooks is public here: the client and
// the kernel's launch (Start, Kernel, Client), the runner (Run, RunFile,
// CellError), kernelspecs (KernelSpec, JupyterDataDir), and this checkout's
// kernel (Layout: Install builds the pinned tools and registers the spec,
// Ready says whether a headless run can start, HeadlessSpec is what it
// starts). Notebooks themselves are read, written and validated by
// kernel/nbformat. The commands on top, go run ./install (with its doctor,
// -check) and kernel/cmd/nbexec, use only this API. kernel/params gives a
// notebook papermill-style parameters (nbexec -p), and kernel/sweep runs it
// over a grid of them, locally or as a Slurm job array (nbexec sweep).
// Executed notebooks are rendered to a static site, with no kernel, by
// kernel/htmlexport (kernel/cmd/nbhtml).
package kernel
