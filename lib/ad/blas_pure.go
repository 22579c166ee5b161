//go:build !openblas

package ad

// HasOpenBLAS reports whether the package was built with the openblas tag:
// then products of more than blasMACs multiply-adds go to OpenBLAS where it
// is the faster (preferBLAS).
const HasOpenBLAS = false

func openblasGemm(g *gemmArgs) { panic("ad: internal error: built without OpenBLAS") }

// blasAVX512 reports whether OpenBLAS runs its AVX-512 kernels: there is no
// OpenBLAS.
const blasAVX512 = false
