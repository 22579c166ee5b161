// Package gopls only anchors this module, which pins the optional gopls
// language server (see go.mod); it contains no code.
package gopls
