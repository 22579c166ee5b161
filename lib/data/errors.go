package data

import (
	"fmt"
	"strconv"
)

// A FormatError reports a malformed or truncated data file: the file, the
// byte offset at which the problem was found and what was wrong.
//
// For a gzip-compressed file the offset counts bytes of the decompressed
// stream, so that it points into the IDX or CIFAR-10 layout described in the
// package documentation; errors in the gzip header itself have offset 0.
type FormatError struct {
	File   string // the file name, empty when reading from an io.Reader
	Offset int64  // byte offset of the problem in the (decompressed) stream
	Msg    string // what was wrong
	Err    error  // the underlying error, if any (io.ErrUnexpectedEOF, a gzip error)
}

func (e *FormatError) Error() string {
	name := e.File
	if name == "" {
		name = "data"
	}
	s := name + ": offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(name string, off int64, err error, format string, args ...any) *FormatError {
	return &FormatError{File: name, Offset: off, Msg: fmt.Sprintf(format, args...), Err: err}
}
