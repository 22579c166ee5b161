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
package kernel
