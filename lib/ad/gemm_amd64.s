#include "textflag.h"

// func kern6x8(kc int, a, b, ab *float64)
// ab[6×8] = Σ_p a[p*6:(p+1)*6] ⊗ b[p*8:(p+1)*8]
TEXT ·kern6x8(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ab+24(FP), DX
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

loop:
	VMOVUPD      0(DI), Y0
	VMOVUPD      32(DI), Y1
	VBROADCASTSD 0(SI), Y2
	VBROADCASTSD 8(SI), Y3
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y1, Y2, Y5
	VFMADD231PD  Y0, Y3, Y6
	VFMADD231PD  Y1, Y3, Y7
	VBROADCASTSD 16(SI), Y2
	VBROADCASTSD 24(SI), Y3
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y1, Y2, Y9
	VFMADD231PD  Y0, Y3, Y10
	VFMADD231PD  Y1, Y3, Y11
	VBROADCASTSD 32(SI), Y2
	VBROADCASTSD 40(SI), Y3
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y1, Y2, Y13
	VFMADD231PD  Y0, Y3, Y14
	VFMADD231PD  Y1, Y3, Y15
	ADDQ         $48, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop

	VMOVUPD Y4, 0(DX)
	VMOVUPD Y5, 32(DX)
	VMOVUPD Y6, 64(DX)
	VMOVUPD Y7, 96(DX)
	VMOVUPD Y8, 128(DX)
	VMOVUPD Y9, 160(DX)
	VMOVUPD Y10, 192(DX)
	VMOVUPD Y11, 224(DX)
	VMOVUPD Y12, 256(DX)
	VMOVUPD Y13, 288(DX)
	VMOVUPD Y14, 320(DX)
	VMOVUPD Y15, 352(DX)
	VZEROUPPER
	RET

// func kern6x8c(kc int, a, b, c *float64, ldc int, alpha, beta float64)
// C[6×8] = alpha Σ_p a[p*6:(p+1)*6] ⊗ b[p*8:(p+1)*8] + beta C, rows of C ldc
// apart; C is not read when beta is +0.
TEXT ·kern6x8c(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	VXORPD Y9, Y9, Y9
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	VXORPD Y12, Y12, Y12
	VXORPD Y13, Y13, Y13
	VXORPD Y14, Y14, Y14
	VXORPD Y15, Y15, Y15

loopc:
	VMOVUPD      0(DI), Y0
	VMOVUPD      32(DI), Y1
	VBROADCASTSD 0(SI), Y2
	VBROADCASTSD 8(SI), Y3
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y1, Y2, Y5
	VFMADD231PD  Y0, Y3, Y6
	VFMADD231PD  Y1, Y3, Y7
	VBROADCASTSD 16(SI), Y2
	VBROADCASTSD 24(SI), Y3
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y1, Y2, Y9
	VFMADD231PD  Y0, Y3, Y10
	VFMADD231PD  Y1, Y3, Y11
	VBROADCASTSD 32(SI), Y2
	VBROADCASTSD 40(SI), Y3
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y1, Y2, Y13
	VFMADD231PD  Y0, Y3, Y14
	VFMADD231PD  Y1, Y3, Y15
	ADDQ         $48, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loopc

	VBROADCASTSD alpha+40(FP), Y0
	VMULPD Y0, Y4, Y4
	VMULPD Y0, Y5, Y5
	VMULPD Y0, Y6, Y6
	VMULPD Y0, Y7, Y7
	VMULPD Y0, Y8, Y8
	VMULPD Y0, Y9, Y9
	VMULPD Y0, Y10, Y10
	VMULPD Y0, Y11, Y11
	VMULPD Y0, Y12, Y12
	VMULPD Y0, Y13, Y13
	VMULPD Y0, Y14, Y14
	VMULPD Y0, Y15, Y15
	MOVQ         beta+48(FP), AX
	TESTQ        AX, AX
	JZ           store0
	VBROADCASTSD beta+48(FP), Y1
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y4
	VFMADD231PD Y3, Y1, Y5
	VMOVUPD     Y4, 0(DX)
	VMOVUPD     Y5, 32(DX)
	ADDQ        R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y6
	VFMADD231PD Y3, Y1, Y7
	VMOVUPD     Y6, 0(DX)
	VMOVUPD     Y7, 32(DX)
	ADDQ        R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y8
	VFMADD231PD Y3, Y1, Y9
	VMOVUPD     Y8, 0(DX)
	VMOVUPD     Y9, 32(DX)
	ADDQ        R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y10
	VFMADD231PD Y3, Y1, Y11
	VMOVUPD     Y10, 0(DX)
	VMOVUPD     Y11, 32(DX)
	ADDQ        R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y12
	VFMADD231PD Y3, Y1, Y13
	VMOVUPD     Y12, 0(DX)
	VMOVUPD     Y13, 32(DX)
	ADDQ        R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y14
	VFMADD231PD Y3, Y1, Y15
	VMOVUPD     Y14, 0(DX)
	VMOVUPD     Y15, 32(DX)
	ADDQ        R8, DX
	VZEROUPPER
	RET

store0:
	VMOVUPD Y4, 0(DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y6, 0(DX)
	VMOVUPD Y7, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y8, 0(DX)
	VMOVUPD Y9, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y10, 0(DX)
	VMOVUPD Y11, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y12, 0(DX)
	VMOVUPD Y13, 32(DX)
	ADDQ    R8, DX
	VMOVUPD Y14, 0(DX)
	VMOVUPD Y15, 32(DX)
	ADDQ    R8, DX
	VZEROUPPER
	RET

// func kdirPanel(k int, a *float64, rs, cs, m int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, mask *[8]int64)
// One column panel of C = alpha op(A) B + beta C from unpacked operands, in
// tiles of 6 rows: for every row tile i0 = 0, 6, …, < m,
//
//	T[r][j] = Σ_{p<k} a[(i0 + min(r, rows−1))·rs + p·cs] · b[p·ldb + j],  rows = min(6, m − i0),
//	C[(i0 + r)·ldc + j] = alpha T[r][j] + beta C[(i0 + r)·ldc + j],  r < rows,
//
// for the 8 columns j, or only those whose mask entry has its sign bit set if
// mask is not nil (the other columns of B are then not read, nor those of C
// written). C is not read when beta is +0. k ≥ 1, m ≥ 1.
TEXT ·kdirPanel(SB), NOSPLIT, $0-96
	MOVQ a+8(FP), R12
	MOVQ c+56(FP), R13

dirtile:
	MOVQ    m+32(FP), CX
	MOVQ    rs+16(FP), R10
	SHLQ    $3, R10
	MOVQ    R12, AX
	LEAQ    (AX)(R10*1), BX
	CMPQ    CX, $1
	CMOVQLE AX, BX
	LEAQ    (BX)(R10*1), DX
	CMPQ    CX, $2
	CMOVQLE BX, DX
	LEAQ    (DX)(R10*1), SI
	CMPQ    CX, $3
	CMOVQLE DX, SI
	LEAQ    (SI)(R10*1), R8
	CMPQ    CX, $4
	CMOVQLE SI, R8
	LEAQ    (R8)(R10*1), R9
	CMPQ    CX, $5
	CMOVQLE R8, R9
	MOVQ    b+40(FP), DI
	MOVQ    ldb+48(FP), R10
	SHLQ    $3, R10
	MOVQ    k+0(FP), CX
	VXORPD  Y4, Y4, Y4
	VXORPD  Y5, Y5, Y5
	VXORPD  Y6, Y6, Y6
	VXORPD  Y7, Y7, Y7
	VXORPD  Y8, Y8, Y8
	VXORPD  Y9, Y9, Y9
	VXORPD  Y10, Y10, Y10
	VXORPD  Y11, Y11, Y11
	VXORPD  Y12, Y12, Y12
	VXORPD  Y13, Y13, Y13
	VXORPD  Y14, Y14, Y14
	VXORPD  Y15, Y15, Y15
	MOVQ    mask+88(FP), R11
	TESTQ   R11, R11
	JZ      dirunmasked
	VMOVUPD 0(R11), Y1  // mask of columns 0-3
	VMOVUPD 32(R11), Y3 // mask of columns 4-7
	MOVQ    32(R11), R11
	TESTQ   R11, R11
	MOVQ    cs+24(FP), R11
	SHLQ    $3, R11
	JZ      dirloop4
	JMP     dirloopm

dirunmasked:
	MOVQ cs+24(FP), R11
	SHLQ $3, R11

dirloop:
	VMOVUPD      0(DI), Y0
	VMOVUPD      32(DI), Y1
	ADDQ         R10, DI
	VBROADCASTSD (AX), Y2
	VBROADCASTSD (BX), Y3
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y1, Y2, Y5
	VFMADD231PD  Y0, Y3, Y6
	VFMADD231PD  Y1, Y3, Y7
	VBROADCASTSD (DX), Y2
	VBROADCASTSD (SI), Y3
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y1, Y2, Y9
	VFMADD231PD  Y0, Y3, Y10
	VFMADD231PD  Y1, Y3, Y11
	VBROADCASTSD (R8), Y2
	VBROADCASTSD (R9), Y3
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y1, Y2, Y13
	VFMADD231PD  Y0, Y3, Y14
	VFMADD231PD  Y1, Y3, Y15
	ADDQ         R11, AX
	ADDQ         R11, BX
	ADDQ         R11, DX
	ADDQ         R11, SI
	ADDQ         R11, R8
	ADDQ         R11, R9
	DECQ         CX
	JNZ          dirloop
	JMP          dirdone

dirloopm: // columns 4-7 masked by Y3 (kept there, so A goes through Y2 alone)
	VMOVUPD      0(DI), Y0
	VMASKMOVPD   32(DI), Y3, Y1
	ADDQ         R10, DI
	VBROADCASTSD (AX), Y2
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y1, Y2, Y5
	VBROADCASTSD (BX), Y2
	VFMADD231PD  Y0, Y2, Y6
	VFMADD231PD  Y1, Y2, Y7
	VBROADCASTSD (DX), Y2
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y1, Y2, Y9
	VBROADCASTSD (SI), Y2
	VFMADD231PD  Y0, Y2, Y10
	VFMADD231PD  Y1, Y2, Y11
	VBROADCASTSD (R8), Y2
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y1, Y2, Y13
	VBROADCASTSD (R9), Y2
	VFMADD231PD  Y0, Y2, Y14
	VFMADD231PD  Y1, Y2, Y15
	ADDQ         R11, AX
	ADDQ         R11, BX
	ADDQ         R11, DX
	ADDQ         R11, SI
	ADDQ         R11, R8
	ADDQ         R11, R9
	DECQ         CX
	JNZ          dirloopm
	JMP          dirdone

dirloop4: // columns 0-3 only, masked by Y1
	VMASKMOVPD   0(DI), Y1, Y0
	ADDQ         R10, DI
	VBROADCASTSD (AX), Y2
	VBROADCASTSD (BX), Y3
	VFMADD231PD  Y0, Y2, Y4
	VFMADD231PD  Y0, Y3, Y6
	VBROADCASTSD (DX), Y2
	VBROADCASTSD (SI), Y3
	VFMADD231PD  Y0, Y2, Y8
	VFMADD231PD  Y0, Y3, Y10
	VBROADCASTSD (R8), Y2
	VBROADCASTSD (R9), Y3
	VFMADD231PD  Y0, Y2, Y12
	VFMADD231PD  Y0, Y3, Y14
	ADDQ         R11, AX
	ADDQ         R11, BX
	ADDQ         R11, DX
	ADDQ         R11, SI
	ADDQ         R11, R8
	ADDQ         R11, R9
	DECQ         CX
	JNZ          dirloop4

dirdone:
	MOVQ         R13, DX
	MOVQ         ldc+64(FP), R8
	SHLQ         $3, R8
	MOVQ         m+32(FP), R9
	MOVQ         mask+88(FP), R10
	MOVQ         alpha+72(FP), AX
	MOVQ         $0x3ff0000000000000, R11
	CMPQ         AX, R11
	JEQ          diralpha1
	VBROADCASTSD alpha+72(FP), Y0
	VMULPD Y0, Y4, Y4
	VMULPD Y0, Y5, Y5
	VMULPD Y0, Y6, Y6
	VMULPD Y0, Y7, Y7
	VMULPD Y0, Y8, Y8
	VMULPD Y0, Y9, Y9
	VMULPD Y0, Y10, Y10
	VMULPD Y0, Y11, Y11
	VMULPD Y0, Y12, Y12
	VMULPD Y0, Y13, Y13
	VMULPD Y0, Y14, Y14
	VMULPD Y0, Y15, Y15

diralpha1:
	VBROADCASTSD beta+80(FP), Y1
	MOVQ         beta+80(FP), AX
	TESTQ        R10, R10
	JNZ          dirmasked
	TESTQ        AX, AX
	JZ           dirfull0
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y4
	VFMADD231PD Y3, Y1, Y5
	VMOVUPD     Y4, 0(DX)
	VMOVUPD     Y5, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y6
	VFMADD231PD Y3, Y1, Y7
	VMOVUPD     Y6, 0(DX)
	VMOVUPD     Y7, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y8
	VFMADD231PD Y3, Y1, Y9
	VMOVUPD     Y8, 0(DX)
	VMOVUPD     Y9, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y10
	VFMADD231PD Y3, Y1, Y11
	VMOVUPD     Y10, 0(DX)
	VMOVUPD     Y11, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y12
	VFMADD231PD Y3, Y1, Y13
	VMOVUPD     Y12, 0(DX)
	VMOVUPD     Y13, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD     0(DX), Y2
	VMOVUPD     32(DX), Y3
	VFMADD231PD Y2, Y1, Y14
	VFMADD231PD Y3, Y1, Y15
	VMOVUPD     Y14, 0(DX)
	VMOVUPD     Y15, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	JMP dirnext

dirfull0:
	VMOVUPD Y4, 0(DX)
	VMOVUPD Y5, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD Y6, 0(DX)
	VMOVUPD Y7, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD Y8, 0(DX)
	VMOVUPD Y9, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD Y10, 0(DX)
	VMOVUPD Y11, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD Y12, 0(DX)
	VMOVUPD Y13, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMOVUPD Y14, 0(DX)
	VMOVUPD Y15, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	JMP dirnext

dirmasked:
	VMOVUPD 0(R10), Y2
	VMOVUPD 32(R10), Y3
	TESTQ   AX, AX
	JZ      dirmasked0
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y4
	VMASKMOVPD  Y4, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y5
	VMASKMOVPD  Y5, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y6
	VMASKMOVPD  Y6, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y7
	VMASKMOVPD  Y7, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y8
	VMASKMOVPD  Y8, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y9
	VMASKMOVPD  Y9, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y10
	VMASKMOVPD  Y10, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y11
	VMASKMOVPD  Y11, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y12
	VMASKMOVPD  Y12, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y13
	VMASKMOVPD  Y13, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD  0(DX), Y2, Y0
	VFMADD231PD Y0, Y1, Y14
	VMASKMOVPD  Y14, Y2, 0(DX)
	VMASKMOVPD  32(DX), Y3, Y0
	VFMADD231PD Y0, Y1, Y15
	VMASKMOVPD  Y15, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	JMP dirnext

dirmasked0:
	VMASKMOVPD Y4, Y2, 0(DX)
	VMASKMOVPD Y5, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD Y6, Y2, 0(DX)
	VMASKMOVPD Y7, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD Y8, Y2, 0(DX)
	VMASKMOVPD Y9, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD Y10, Y2, 0(DX)
	VMASKMOVPD Y11, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD Y12, Y2, 0(DX)
	VMASKMOVPD Y13, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	VMASKMOVPD Y14, Y2, 0(DX)
	VMASKMOVPD Y15, Y3, 32(DX)
	DECQ R9
	JZ   dirnext
	ADDQ R8, DX
	JMP dirnext

dirnext:
	MOVQ  m+32(FP), CX
	SUBQ  $6, CX
	JLE   dirret
	MOVQ  CX, m+32(FP)
	MOVQ  rs+16(FP), AX
	IMUL3Q $48, AX, AX
	ADDQ  AX, R12
	MOVQ  ldc+64(FP), AX
	IMUL3Q $48, AX, AX
	ADDQ  AX, R13
	JMP   dirtile

dirret:
	VZEROUPPER
	RET

// func kdot3x4(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, rows, cols int, kmask, cmask *[4]int64)
// A 3×4 tile of C = alpha A Bᵀ + beta C with A and B both read along their
// rows, as dot products: T[r][j] = Σ_{p<k} a[r·lda + p] · b[j·ldb + p], four
// p at a time in twelve accumulators and summed across lanes at the end.
// Rows r ≥ rows and columns j ≥ cols read the last valid row of A or B; C
// is written in its first rows rows, in the columns cmask selects (C is not
// read when beta is +0). The last k mod 4 entries are read under kmask.
TEXT ·kdot3x4(SB), NOSPLIT, $0-104
	MOVQ    rows+72(FP), CX
	MOVQ    lda+16(FP), R10
	SHLQ    $3, R10
	MOVQ    a+8(FP), AX
	LEAQ    (AX)(R10*1), BX
	CMPQ    CX, $1
	CMOVQLE AX, BX
	LEAQ    (BX)(R10*1), DX
	CMPQ    CX, $2
	CMOVQLE BX, DX
	MOVQ    cols+80(FP), CX
	MOVQ    ldb+32(FP), R10
	SHLQ    $3, R10
	MOVQ    b+24(FP), SI
	LEAQ    (SI)(R10*1), DI
	CMPQ    CX, $1
	CMOVQLE SI, DI
	LEAQ    (DI)(R10*1), R8
	CMPQ    CX, $2
	CMOVQLE DI, R8
	LEAQ    (R8)(R10*1), R9
	CMPQ    CX, $3
	CMOVQLE R8, R9
	VXORPD  Y4, Y4, Y4
	VXORPD  Y5, Y5, Y5
	VXORPD  Y6, Y6, Y6
	VXORPD  Y7, Y7, Y7
	VXORPD  Y8, Y8, Y8
	VXORPD  Y9, Y9, Y9
	VXORPD  Y10, Y10, Y10
	VXORPD  Y11, Y11, Y11
	VXORPD  Y12, Y12, Y12
	VXORPD  Y13, Y13, Y13
	VXORPD  Y14, Y14, Y14
	VXORPD  Y15, Y15, Y15
	XORQ    R10, R10
	MOVQ    k+0(FP), CX
	SHRQ    $2, CX
	JZ      dottail

dotloop:
	VMOVUPD      (AX)(R10*1), Y0
	VMOVUPD      (BX)(R10*1), Y1
	VMOVUPD      (DX)(R10*1), Y2
	VMOVUPD      (SI)(R10*1), Y3
	VFMADD231PD  Y3, Y0, Y4
	VFMADD231PD  Y3, Y1, Y8
	VFMADD231PD  Y3, Y2, Y12
	VMOVUPD      (DI)(R10*1), Y3
	VFMADD231PD  Y3, Y0, Y5
	VFMADD231PD  Y3, Y1, Y9
	VFMADD231PD  Y3, Y2, Y13
	VMOVUPD      (R8)(R10*1), Y3
	VFMADD231PD  Y3, Y0, Y6
	VFMADD231PD  Y3, Y1, Y10
	VFMADD231PD  Y3, Y2, Y14
	VMOVUPD      (R9)(R10*1), Y3
	VFMADD231PD  Y3, Y0, Y7
	VFMADD231PD  Y3, Y1, Y11
	VFMADD231PD  Y3, Y2, Y15
	ADDQ         $32, R10
	DECQ         CX
	JNZ          dotloop

dottail:
	MOVQ k+0(FP), CX
	ANDQ $3, CX
	JZ   dotreduce
	MOVQ kmask+88(FP), R11
	VMOVUPD      (R11), Y3
	VMASKMOVPD   (AX)(R10*1), Y3, Y0
	VMASKMOVPD   (BX)(R10*1), Y3, Y1
	VMASKMOVPD   (DX)(R10*1), Y3, Y2
	VMOVUPD      (R11), Y3
	VMASKMOVPD   (SI)(R10*1), Y3, Y3
	VFMADD231PD  Y3, Y0, Y4
	VFMADD231PD  Y3, Y1, Y8
	VFMADD231PD  Y3, Y2, Y12
	VMOVUPD      (R11), Y3
	VMASKMOVPD   (DI)(R10*1), Y3, Y3
	VFMADD231PD  Y3, Y0, Y5
	VFMADD231PD  Y3, Y1, Y9
	VFMADD231PD  Y3, Y2, Y13
	VMOVUPD      (R11), Y3
	VMASKMOVPD   (R8)(R10*1), Y3, Y3
	VFMADD231PD  Y3, Y0, Y6
	VFMADD231PD  Y3, Y1, Y10
	VFMADD231PD  Y3, Y2, Y14
	VMOVUPD      (R11), Y3
	VMASKMOVPD   (R9)(R10*1), Y3, Y3
	VFMADD231PD  Y3, Y0, Y7
	VFMADD231PD  Y3, Y1, Y11
	VFMADD231PD  Y3, Y2, Y15

dotreduce:
	VHADDPD      Y5, Y4, Y4
	VHADDPD      Y7, Y6, Y6
	VPERM2F128   $0x21, Y6, Y4, Y0
	VBLENDPD     $0xC, Y6, Y4, Y1
	VADDPD       Y1, Y0, Y4
	VHADDPD      Y9, Y8, Y8
	VHADDPD      Y11, Y10, Y10
	VPERM2F128   $0x21, Y10, Y8, Y0
	VBLENDPD     $0xC, Y10, Y8, Y1
	VADDPD       Y1, Y0, Y8
	VHADDPD      Y13, Y12, Y12
	VHADDPD      Y15, Y14, Y14
	VPERM2F128   $0x21, Y14, Y12, Y0
	VBLENDPD     $0xC, Y14, Y12, Y1
	VADDPD       Y1, Y0, Y12
	MOVQ         c+40(FP), DX
	MOVQ         ldc+48(FP), R8
	SHLQ         $3, R8
	MOVQ         rows+72(FP), R9
	MOVQ         cmask+96(FP), R10
	VMOVUPD      (R10), Y2
	VBROADCASTSD alpha+56(FP), Y0
	VBROADCASTSD beta+64(FP), Y1
	VMULPD       Y0, Y4, Y4
	VMULPD       Y0, Y8, Y8
	VMULPD       Y0, Y12, Y12
	MOVQ         beta+64(FP), AX
	TESTQ        AX, AX
	JZ           dotstore0
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y4
	VMASKMOVPD   Y4, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y8
	VMASKMOVPD   Y8, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y12
	VMASKMOVPD   Y12, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX
	JMP          dotret

dotstore0:
	VMASKMOVPD   Y4, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX
	VMASKMOVPD   Y8, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX
	VMASKMOVPD   Y12, Y2, (DX)
	DECQ         R9
	JZ           dotret
	ADDQ         R8, DX

dotret:
	VZEROUPPER
	RET

// func kern6x16(kc int, a, b, ab *float64)
// ab[6×16] = Σ_p a[p*6:(p+1)*6] ⊗ b[p*16:(p+1)*16]: the AVX-512 form of
// kern6x8 on panels of 16 columns. kc ≥ 1.
TEXT ·kern6x16(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ab+24(FP), DX
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15

loop16:
	VMOVUPD      0(DI), Z0
	VMOVUPD      64(DI), Z1
	VBROADCASTSD 0(SI), Z2
	VFMADD231PD  Z0, Z2, Z4
	VFMADD231PD  Z1, Z2, Z5
	VBROADCASTSD 8(SI), Z3
	VFMADD231PD  Z0, Z3, Z6
	VFMADD231PD  Z1, Z3, Z7
	VBROADCASTSD 16(SI), Z2
	VFMADD231PD  Z0, Z2, Z8
	VFMADD231PD  Z1, Z2, Z9
	VBROADCASTSD 24(SI), Z3
	VFMADD231PD  Z0, Z3, Z10
	VFMADD231PD  Z1, Z3, Z11
	VBROADCASTSD 32(SI), Z2
	VFMADD231PD  Z0, Z2, Z12
	VFMADD231PD  Z1, Z2, Z13
	VBROADCASTSD 40(SI), Z3
	VFMADD231PD  Z0, Z3, Z14
	VFMADD231PD  Z1, Z3, Z15
	ADDQ         $48, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop16

	VMOVUPD Z4, 0(DX)
	VMOVUPD Z5, 64(DX)
	VMOVUPD Z6, 128(DX)
	VMOVUPD Z7, 192(DX)
	VMOVUPD Z8, 256(DX)
	VMOVUPD Z9, 320(DX)
	VMOVUPD Z10, 384(DX)
	VMOVUPD Z11, 448(DX)
	VMOVUPD Z12, 512(DX)
	VMOVUPD Z13, 576(DX)
	VMOVUPD Z14, 640(DX)
	VMOVUPD Z15, 704(DX)
	VZEROUPPER
	RET

// The epilogue of the 6×16 kernels, on the sums in Z4–Z15 (two registers a
// row of the tile) and C at DX with row stride R8 (in bytes).
//
// ALPHA16 multiplies the sums by alpha, broadcast in Z0.
#define ALPHA16 \
	VMULPD Z0, Z4, Z4; \
	VMULPD Z0, Z5, Z5; \
	VMULPD Z0, Z6, Z6; \
	VMULPD Z0, Z7, Z7; \
	VMULPD Z0, Z8, Z8; \
	VMULPD Z0, Z9, Z9; \
	VMULPD Z0, Z10, Z10; \
	VMULPD Z0, Z11, Z11; \
	VMULPD Z0, Z12, Z12; \
	VMULPD Z0, Z13, Z13; \
	VMULPD Z0, Z14, Z14; \
	VMULPD Z0, Z15, Z15

// BETA16 adds beta·C to the sums, beta broadcast in Z1 and C read through R
// (which it advances row by row).
#define BETA16(R) \
	VFMADD231PD 0(R), Z1, Z4; \
	VFMADD231PD 64(R), Z1, Z5; \
	ADDQ        R8, R; \
	VFMADD231PD 0(R), Z1, Z6; \
	VFMADD231PD 64(R), Z1, Z7; \
	ADDQ        R8, R; \
	VFMADD231PD 0(R), Z1, Z8; \
	VFMADD231PD 64(R), Z1, Z9; \
	ADDQ        R8, R; \
	VFMADD231PD 0(R), Z1, Z10; \
	VFMADD231PD 64(R), Z1, Z11; \
	ADDQ        R8, R; \
	VFMADD231PD 0(R), Z1, Z12; \
	VFMADD231PD 64(R), Z1, Z13; \
	ADDQ        R8, R; \
	VFMADD231PD 0(R), Z1, Z14; \
	VFMADD231PD 64(R), Z1, Z15

// STORE16 writes the sums to C through R (which it advances row by row).
#define STORE16(R) \
	VMOVUPD Z4, 0(R); \
	VMOVUPD Z5, 64(R); \
	ADDQ    R8, R; \
	VMOVUPD Z6, 0(R); \
	VMOVUPD Z7, 64(R); \
	ADDQ    R8, R; \
	VMOVUPD Z8, 0(R); \
	VMOVUPD Z9, 64(R); \
	ADDQ    R8, R; \
	VMOVUPD Z10, 0(R); \
	VMOVUPD Z11, 64(R); \
	ADDQ    R8, R; \
	VMOVUPD Z12, 0(R); \
	VMOVUPD Z13, 64(R); \
	ADDQ    R8, R; \
	VMOVUPD Z14, 0(R); \
	VMOVUPD Z15, 64(R)

// func kern6x16c(kc int, a, b, c *float64, ldc int, alpha, beta float64)
// kern6x16 followed by C = alpha·ab + beta·C on a full 6×16 tile of C with
// row stride ldc; C is not read when beta is +0. kc ≥ 1.
TEXT ·kern6x16c(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $3, R8
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15

loop16c:
	VMOVUPD      0(DI), Z0
	VMOVUPD      64(DI), Z1
	VBROADCASTSD 0(SI), Z2
	VFMADD231PD  Z0, Z2, Z4
	VFMADD231PD  Z1, Z2, Z5
	VBROADCASTSD 8(SI), Z3
	VFMADD231PD  Z0, Z3, Z6
	VFMADD231PD  Z1, Z3, Z7
	VBROADCASTSD 16(SI), Z2
	VFMADD231PD  Z0, Z2, Z8
	VFMADD231PD  Z1, Z2, Z9
	VBROADCASTSD 24(SI), Z3
	VFMADD231PD  Z0, Z3, Z10
	VFMADD231PD  Z1, Z3, Z11
	VBROADCASTSD 32(SI), Z2
	VFMADD231PD  Z0, Z2, Z12
	VFMADD231PD  Z1, Z2, Z13
	VBROADCASTSD 40(SI), Z3
	VFMADD231PD  Z0, Z3, Z14
	VFMADD231PD  Z1, Z3, Z15
	ADDQ         $48, SI
	ADDQ         $128, DI
	DECQ         CX
	JNZ          loop16c

	VBROADCASTSD alpha+40(FP), Z0
	ALPHA16
	MOVQ         beta+48(FP), AX
	TESTQ        AX, AX
	JZ           store16z
	VBROADCASTSD beta+48(FP), Z1
	MOVQ         DX, SI
	BETA16(SI)

store16z:
	STORE16(DX)
	VZEROUPPER
	RET

// STEP16 is one term of kern6x16a and kern6x16a2: the row of B at DI
// (then advanced by R9) times the six values of A at off from the rows AX,
// AX+R10, AX+2·R10, BX, BX+R10 and BX+2·R10, into the accumulators c0–c11
// (two a row of the tile).
#define STEP16(off, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11) \
	VMOVUPD      0(DI), Z0; \
	VMOVUPD      64(DI), Z1; \
	ADDQ         R9, DI; \
	VBROADCASTSD off(AX), Z2; \
	VFMADD231PD  Z0, Z2, c0; \
	VFMADD231PD  Z1, Z2, c1; \
	VBROADCASTSD off(AX)(R10*1), Z3; \
	VFMADD231PD  Z0, Z3, c2; \
	VFMADD231PD  Z1, Z3, c3; \
	VBROADCASTSD off(AX)(R10*2), Z2; \
	VFMADD231PD  Z0, Z2, c4; \
	VFMADD231PD  Z1, Z2, c5; \
	VBROADCASTSD off(BX), Z3; \
	VFMADD231PD  Z0, Z3, c6; \
	VFMADD231PD  Z1, Z3, c7; \
	VBROADCASTSD off(BX)(R10*1), Z2; \
	VFMADD231PD  Z0, Z2, c8; \
	VFMADD231PD  Z1, Z2, c9; \
	VBROADCASTSD off(BX)(R10*2), Z3; \
	VFMADD231PD  Z0, Z3, c10; \
	VFMADD231PD  Z1, Z3, c11

// STEP16A is STEP16 into Z4–Z15, as in kern6x16; STEP16AT into Z16–Z27,
// the accumulators of the last block of kern6x16a2.
#define STEP16A(off) STEP16(off, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
#define STEP16AT(off) STEP16(off, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)

// func kern6x16a(kc int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)
// kern6x16c with A read in place: the six rows of the tile lda apart, kc
// consecutive values each, instead of a packed panel. Eight terms a step
// (two pointer updates per eight terms rather than six per term); the same
// fused multiply-adds in the same order per entry as kern6x16c, and its
// epilogue. Software prefetches of the rows, 32, 64 or 128 terms ahead,
// made it 1–4 % slower on one core than the hardware's alone. kc ≥ 1.
TEXT ·kern6x16a(SB), NOSPLIT, $0-72
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ lda+16(FP), R10
	SHLQ $3, R10
	LEAQ (AX)(R10*2), BX
	ADDQ R10, BX              // row 3
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	SHLQ $3, R9
	MOVQ c+40(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $3, R8
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	MOVQ CX, R11
	ANDQ $7, R11              // terms after the steps of eight
	SHRQ $3, CX
	JZ   tail16a

loop16a:
	STEP16A(0)
	STEP16A(8)
	STEP16A(16)
	STEP16A(24)
	STEP16A(32)
	STEP16A(40)
	STEP16A(48)
	STEP16A(56)
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop16a

tail16a:
	TESTQ R11, R11
	JZ    epi16a

one16a:
	STEP16A(0)
	ADDQ $8, AX
	ADDQ $8, BX
	DECQ R11
	JNZ  one16a

epi16a:
	VBROADCASTSD alpha+56(FP), Z0
	ALPHA16
	MOVQ         beta+64(FP), AX
	TESTQ        AX, AX
	JZ           store16a
	VBROADCASTSD beta+64(FP), Z1
	MOVQ         DX, SI
	BETA16(SI)

store16a:
	STORE16(DX)
	VZEROUPPER
	RET

// func kern6x16a2(kc, kt int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64)
// kern6x16a over two blocks of terms in one call, kc then kt, with the B
// rows of both consecutive: the first block's sums in Z4–Z15, the second's
// in Z16–Z27, then C = alpha·s₁ + beta·C followed by C = C + alpha·s₂ in
// registers, which rounds as two calls of kern6x16a would (the second with
// beta 1: fma(1, C, x) = C + x) without storing and loading C between them.
// kc, kt ≥ 1.
TEXT ·kern6x16a2(SB), NOSPLIT, $0-80
	MOVQ kc+0(FP), CX
	MOVQ a+16(FP), AX
	MOVQ lda+24(FP), R10
	SHLQ $3, R10
	LEAQ (AX)(R10*2), BX
	ADDQ R10, BX              // row 3
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	SHLQ $3, R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R8
	SHLQ $3, R8
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	VPXORQ Z8, Z8, Z8
	VPXORQ Z9, Z9, Z9
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPXORQ Z15, Z15, Z15
	VPXORQ Z16, Z16, Z16
	VPXORQ Z17, Z17, Z17
	VPXORQ Z18, Z18, Z18
	VPXORQ Z19, Z19, Z19
	VPXORQ Z20, Z20, Z20
	VPXORQ Z21, Z21, Z21
	VPXORQ Z22, Z22, Z22
	VPXORQ Z23, Z23, Z23
	VPXORQ Z24, Z24, Z24
	VPXORQ Z25, Z25, Z25
	VPXORQ Z26, Z26, Z26
	VPXORQ Z27, Z27, Z27
	MOVQ CX, R11
	ANDQ $7, R11
	SHRQ $3, CX
	JZ   tail16a2

loop16a2:
	STEP16A(0)
	STEP16A(8)
	STEP16A(16)
	STEP16A(24)
	STEP16A(32)
	STEP16A(40)
	STEP16A(48)
	STEP16A(56)
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loop16a2

tail16a2:
	TESTQ R11, R11
	JZ    second16a2

one16a2:
	STEP16A(0)
	ADDQ $8, AX
	ADDQ $8, BX
	DECQ R11
	JNZ  one16a2

second16a2:
	MOVQ kt+8(FP), CX
	MOVQ CX, R11
	ANDQ $7, R11
	SHRQ $3, CX
	JZ   tailt16a2

loopt16a2:
	STEP16AT(0)
	STEP16AT(8)
	STEP16AT(16)
	STEP16AT(24)
	STEP16AT(32)
	STEP16AT(40)
	STEP16AT(48)
	STEP16AT(56)
	ADDQ $64, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  loopt16a2

tailt16a2:
	TESTQ R11, R11
	JZ    epi16a2

onet16a2:
	STEP16AT(0)
	ADDQ $8, AX
	ADDQ $8, BX
	DECQ R11
	JNZ  onet16a2

epi16a2:
	VBROADCASTSD alpha+64(FP), Z0
	ALPHA16
	VMULPD Z0, Z16, Z16
	VMULPD Z0, Z17, Z17
	VMULPD Z0, Z18, Z18
	VMULPD Z0, Z19, Z19
	VMULPD Z0, Z20, Z20
	VMULPD Z0, Z21, Z21
	VMULPD Z0, Z22, Z22
	VMULPD Z0, Z23, Z23
	VMULPD Z0, Z24, Z24
	VMULPD Z0, Z25, Z25
	VMULPD Z0, Z26, Z26
	VMULPD Z0, Z27, Z27
	MOVQ         beta+72(FP), AX
	TESTQ        AX, AX
	JZ           add16a2
	VBROADCASTSD beta+72(FP), Z1
	MOVQ        DX, SI
	BETA16(SI)

add16a2:
	VADDPD  Z16, Z4, Z4
	VADDPD  Z17, Z5, Z5
	VADDPD  Z18, Z6, Z6
	VADDPD  Z19, Z7, Z7
	VADDPD  Z20, Z8, Z8
	VADDPD  Z21, Z9, Z9
	VADDPD  Z22, Z10, Z10
	VADDPD  Z23, Z11, Z11
	VADDPD  Z24, Z12, Z12
	VADDPD  Z25, Z13, Z13
	VADDPD  Z26, Z14, Z14
	VADDPD  Z27, Z15, Z15
	STORE16(DX)
	VZEROUPPER
	RET

// func kdirPanel16(k int, a *float64, rs, cs, m int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, cmask int)
// kdirPanel in AVX-512 on a panel of 16 columns: the columns j with bit j of
// cmask set are read from B and written to C, under the opmasks K1 (columns
// 0-7) and K2 (columns 8-15). k ≥ 1, m ≥ 1.
TEXT ·kdirPanel16(SB), NOSPLIT, $0-96
	MOVQ  cmask+88(FP), AX
	KMOVW AX, K1
	SHRQ  $8, AX
	KMOVW AX, K2
	MOVQ  a+8(FP), R12
	MOVQ  c+56(FP), R13

d16tile:
	MOVQ    m+32(FP), CX
	MOVQ    rs+16(FP), R10
	SHLQ    $3, R10
	MOVQ    R12, AX
	LEAQ    (AX)(R10*1), BX
	CMPQ    CX, $1
	CMOVQLE AX, BX
	LEAQ    (BX)(R10*1), DX
	CMPQ    CX, $2
	CMOVQLE BX, DX
	LEAQ    (DX)(R10*1), SI
	CMPQ    CX, $3
	CMOVQLE DX, SI
	LEAQ    (SI)(R10*1), R8
	CMPQ    CX, $4
	CMOVQLE SI, R8
	LEAQ    (R8)(R10*1), R9
	CMPQ    CX, $5
	CMOVQLE R8, R9
	MOVQ    b+40(FP), DI
	MOVQ    ldb+48(FP), R10
	SHLQ    $3, R10
	MOVQ    cs+24(FP), R11
	SHLQ    $3, R11
	MOVQ    k+0(FP), CX
	VPXORQ  Z4, Z4, Z4
	VPXORQ  Z5, Z5, Z5
	VPXORQ  Z6, Z6, Z6
	VPXORQ  Z7, Z7, Z7
	VPXORQ  Z8, Z8, Z8
	VPXORQ  Z9, Z9, Z9
	VPXORQ  Z10, Z10, Z10
	VPXORQ  Z11, Z11, Z11
	VPXORQ  Z12, Z12, Z12
	VPXORQ  Z13, Z13, Z13
	VPXORQ  Z14, Z14, Z14
	VPXORQ  Z15, Z15, Z15

d16loop:
	VMOVUPD.Z    0(DI), K1, Z0
	VMOVUPD.Z    64(DI), K2, Z1
	ADDQ         R10, DI
	VBROADCASTSD (AX), Z2
	VFMADD231PD  Z0, Z2, Z4
	VFMADD231PD  Z1, Z2, Z5
	VBROADCASTSD (BX), Z3
	VFMADD231PD  Z0, Z3, Z6
	VFMADD231PD  Z1, Z3, Z7
	VBROADCASTSD (DX), Z2
	VFMADD231PD  Z0, Z2, Z8
	VFMADD231PD  Z1, Z2, Z9
	VBROADCASTSD (SI), Z3
	VFMADD231PD  Z0, Z3, Z10
	VFMADD231PD  Z1, Z3, Z11
	VBROADCASTSD (R8), Z2
	VFMADD231PD  Z0, Z2, Z12
	VFMADD231PD  Z1, Z2, Z13
	VBROADCASTSD (R9), Z3
	VFMADD231PD  Z0, Z3, Z14
	VFMADD231PD  Z1, Z3, Z15
	ADDQ         R11, AX
	ADDQ         R11, BX
	ADDQ         R11, DX
	ADDQ         R11, SI
	ADDQ         R11, R8
	ADDQ         R11, R9
	DECQ         CX
	JNZ          d16loop

	MOVQ         R13, DX
	MOVQ         ldc+64(FP), R8
	SHLQ         $3, R8
	MOVQ         m+32(FP), R9
	MOVQ         alpha+72(FP), AX
	MOVQ         $0x3ff0000000000000, R11
	CMPQ         AX, R11
	JEQ          d16alpha1
	VBROADCASTSD alpha+72(FP), Z0
	VMULPD Z0, Z4, Z4
	VMULPD Z0, Z5, Z5
	VMULPD Z0, Z6, Z6
	VMULPD Z0, Z7, Z7
	VMULPD Z0, Z8, Z8
	VMULPD Z0, Z9, Z9
	VMULPD Z0, Z10, Z10
	VMULPD Z0, Z11, Z11
	VMULPD Z0, Z12, Z12
	VMULPD Z0, Z13, Z13
	VMULPD Z0, Z14, Z14
	VMULPD Z0, Z15, Z15

d16alpha1:
	MOVQ         beta+80(FP), AX
	TESTQ        AX, AX
	JZ           d16store0
	VBROADCASTSD beta+80(FP), Z1
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z4
	VFMADD231PD Z3, Z1, Z5
	VMOVUPD     Z4, K1, 0(DX)
	VMOVUPD     Z5, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z6
	VFMADD231PD Z3, Z1, Z7
	VMOVUPD     Z6, K1, 0(DX)
	VMOVUPD     Z7, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z8
	VFMADD231PD Z3, Z1, Z9
	VMOVUPD     Z8, K1, 0(DX)
	VMOVUPD     Z9, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z10
	VFMADD231PD Z3, Z1, Z11
	VMOVUPD     Z10, K1, 0(DX)
	VMOVUPD     Z11, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z12
	VFMADD231PD Z3, Z1, Z13
	VMOVUPD     Z12, K1, 0(DX)
	VMOVUPD     Z13, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	VMOVUPD.Z   0(DX), K1, Z2
	VMOVUPD.Z   64(DX), K2, Z3
	VFMADD231PD Z2, Z1, Z14
	VFMADD231PD Z3, Z1, Z15
	VMOVUPD     Z14, K1, 0(DX)
	VMOVUPD     Z15, K2, 64(DX)
	DECQ        R9
	JZ          d16next
	ADDQ        R8, DX
	JMP d16next

d16store0:
	VMOVUPD Z4, K1, 0(DX)
	VMOVUPD Z5, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX
	VMOVUPD Z6, K1, 0(DX)
	VMOVUPD Z7, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX
	VMOVUPD Z8, K1, 0(DX)
	VMOVUPD Z9, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX
	VMOVUPD Z10, K1, 0(DX)
	VMOVUPD Z11, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX
	VMOVUPD Z12, K1, 0(DX)
	VMOVUPD Z13, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX
	VMOVUPD Z14, K1, 0(DX)
	VMOVUPD Z15, K2, 64(DX)
	DECQ    R9
	JZ      d16next
	ADDQ    R8, DX

d16next:
	MOVQ   m+32(FP), CX
	SUBQ   $6, CX
	JLE    d16ret
	MOVQ   CX, m+32(FP)
	MOVQ   rs+16(FP), AX
	IMUL3Q $48, AX, AX
	ADDQ   AX, R12
	MOVQ   ldc+64(FP), AX
	IMUL3Q $48, AX, AX
	ADDQ   AX, R13
	JMP    d16tile

d16ret:
	VZEROUPPER
	RET

// LOADACC and STOREACC move the twelve accumulators Z4–Z15 of kdot3x4z
// from and to the 96 float64 at R.
#define LOADACC(R) \
	VMOVUPD 0(R), Z4; \
	VMOVUPD 64(R), Z5; \
	VMOVUPD 128(R), Z6; \
	VMOVUPD 192(R), Z7; \
	VMOVUPD 256(R), Z8; \
	VMOVUPD 320(R), Z9; \
	VMOVUPD 384(R), Z10; \
	VMOVUPD 448(R), Z11; \
	VMOVUPD 512(R), Z12; \
	VMOVUPD 576(R), Z13; \
	VMOVUPD 640(R), Z14; \
	VMOVUPD 704(R), Z15

#define STOREACC(R) \
	VMOVUPD Z4, 0(R); \
	VMOVUPD Z5, 64(R); \
	VMOVUPD Z6, 128(R); \
	VMOVUPD Z7, 192(R); \
	VMOVUPD Z8, 256(R); \
	VMOVUPD Z9, 320(R); \
	VMOVUPD Z10, 384(R); \
	VMOVUPD Z11, 448(R); \
	VMOVUPD Z12, 512(R); \
	VMOVUPD Z13, 576(R); \
	VMOVUPD Z14, 640(R); \
	VMOVUPD Z15, 704(R)

// func kdot3x4z(k int, a *float64, lda int, b *float64, ldb int, c *float64, ldc int, alpha, beta float64, rows, cols int, kmask int, cmask *[4]int64, acc *float64)
// kdot3x4 in AVX-512: eight p a step, the last k mod 8 under the opmask
// kmask (bit i for lane i). Unless acc is nil, the twelve accumulators start
// from acc (as kdot3x4zpart left them) instead of zero.
TEXT ·kdot3x4z(SB), NOSPLIT, $0-112
	MOVQ    rows+72(FP), CX
	MOVQ    lda+16(FP), R10
	SHLQ    $3, R10
	MOVQ    a+8(FP), AX
	LEAQ    (AX)(R10*1), BX
	CMPQ    CX, $1
	CMOVQLE AX, BX
	LEAQ    (BX)(R10*1), DX
	CMPQ    CX, $2
	CMOVQLE BX, DX
	MOVQ    cols+80(FP), CX
	MOVQ    ldb+32(FP), R10
	SHLQ    $3, R10
	MOVQ    b+24(FP), SI
	LEAQ    (SI)(R10*1), DI
	CMPQ    CX, $1
	CMOVQLE SI, DI
	LEAQ    (DI)(R10*1), R8
	CMPQ    CX, $2
	CMOVQLE DI, R8
	LEAQ    (R8)(R10*1), R9
	CMPQ    CX, $3
	CMOVQLE R8, R9
	VPXORQ  Z4, Z4, Z4
	VPXORQ  Z5, Z5, Z5
	VPXORQ  Z6, Z6, Z6
	VPXORQ  Z7, Z7, Z7
	VPXORQ  Z8, Z8, Z8
	VPXORQ  Z9, Z9, Z9
	VPXORQ  Z10, Z10, Z10
	VPXORQ  Z11, Z11, Z11
	VPXORQ  Z12, Z12, Z12
	VPXORQ  Z13, Z13, Z13
	VPXORQ  Z14, Z14, Z14
	VPXORQ  Z15, Z15, Z15
	MOVQ    acc+104(FP), R10
	TESTQ   R10, R10
	JZ      dotzstart
	LOADACC(R10)

dotzstart:
	XORQ    R10, R10
	MOVQ    k+0(FP), CX
	SHRQ    $3, CX
	JZ      dotztail

dotzloop:
	VMOVUPD      (AX)(R10*1), Z0
	VMOVUPD      (BX)(R10*1), Z1
	VMOVUPD      (DX)(R10*1), Z2
	VMOVUPD      (SI)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z4
	VFMADD231PD  Z3, Z1, Z8
	VFMADD231PD  Z3, Z2, Z12
	VMOVUPD      (DI)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z5
	VFMADD231PD  Z3, Z1, Z9
	VFMADD231PD  Z3, Z2, Z13
	VMOVUPD      (R8)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z6
	VFMADD231PD  Z3, Z1, Z10
	VFMADD231PD  Z3, Z2, Z14
	VMOVUPD      (R9)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z7
	VFMADD231PD  Z3, Z1, Z11
	VFMADD231PD  Z3, Z2, Z15
	ADDQ         $64, R10
	DECQ         CX
	JNZ          dotzloop

dotztail:
	MOVQ  kmask+88(FP), CX
	TESTQ CX, CX
	JZ    dotzreduce
	KMOVW CX, K1
	VMOVUPD.Z    (AX)(R10*1), K1, Z0
	VMOVUPD.Z    (BX)(R10*1), K1, Z1
	VMOVUPD.Z    (DX)(R10*1), K1, Z2
	VMOVUPD.Z    (SI)(R10*1), K1, Z3
	VFMADD231PD  Z3, Z0, Z4
	VFMADD231PD  Z3, Z1, Z8
	VFMADD231PD  Z3, Z2, Z12
	VMOVUPD.Z    (DI)(R10*1), K1, Z3
	VFMADD231PD  Z3, Z0, Z5
	VFMADD231PD  Z3, Z1, Z9
	VFMADD231PD  Z3, Z2, Z13
	VMOVUPD.Z    (R8)(R10*1), K1, Z3
	VFMADD231PD  Z3, Z0, Z6
	VFMADD231PD  Z3, Z1, Z10
	VFMADD231PD  Z3, Z2, Z14
	VMOVUPD.Z    (R9)(R10*1), K1, Z3
	VFMADD231PD  Z3, Z0, Z7
	VFMADD231PD  Z3, Z1, Z11
	VFMADD231PD  Z3, Z2, Z15

dotzreduce:
	VEXTRACTF64X4 $1, Z4, Y0
	VADDPD       Y0, Y4, Y4
	VEXTRACTF64X4 $1, Z5, Y0
	VADDPD       Y0, Y5, Y5
	VEXTRACTF64X4 $1, Z6, Y0
	VADDPD       Y0, Y6, Y6
	VEXTRACTF64X4 $1, Z7, Y0
	VADDPD       Y0, Y7, Y7
	VHADDPD      Y5, Y4, Y4
	VHADDPD      Y7, Y6, Y6
	VPERM2F128   $0x21, Y6, Y4, Y0
	VBLENDPD     $0xC, Y6, Y4, Y1
	VADDPD       Y1, Y0, Y4
	VEXTRACTF64X4 $1, Z8, Y0
	VADDPD       Y0, Y8, Y8
	VEXTRACTF64X4 $1, Z9, Y0
	VADDPD       Y0, Y9, Y9
	VEXTRACTF64X4 $1, Z10, Y0
	VADDPD       Y0, Y10, Y10
	VEXTRACTF64X4 $1, Z11, Y0
	VADDPD       Y0, Y11, Y11
	VHADDPD      Y9, Y8, Y8
	VHADDPD      Y11, Y10, Y10
	VPERM2F128   $0x21, Y10, Y8, Y0
	VBLENDPD     $0xC, Y10, Y8, Y1
	VADDPD       Y1, Y0, Y8
	VEXTRACTF64X4 $1, Z12, Y0
	VADDPD       Y0, Y12, Y12
	VEXTRACTF64X4 $1, Z13, Y0
	VADDPD       Y0, Y13, Y13
	VEXTRACTF64X4 $1, Z14, Y0
	VADDPD       Y0, Y14, Y14
	VEXTRACTF64X4 $1, Z15, Y0
	VADDPD       Y0, Y15, Y15
	VHADDPD      Y13, Y12, Y12
	VHADDPD      Y15, Y14, Y14
	VPERM2F128   $0x21, Y14, Y12, Y0
	VBLENDPD     $0xC, Y14, Y12, Y1
	VADDPD       Y1, Y0, Y12
	MOVQ         c+40(FP), DX
	MOVQ         ldc+48(FP), R8
	SHLQ         $3, R8
	MOVQ         rows+72(FP), R9
	MOVQ         cmask+96(FP), R10
	VMOVUPD      (R10), Y2
	VBROADCASTSD alpha+56(FP), Y0
	VBROADCASTSD beta+64(FP), Y1
	VMULPD       Y0, Y4, Y4
	VMULPD       Y0, Y8, Y8
	VMULPD       Y0, Y12, Y12
	MOVQ         beta+64(FP), AX
	TESTQ        AX, AX
	JZ           dotzstore0
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y4
	VMASKMOVPD   Y4, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y8
	VMASKMOVPD   Y8, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX
	VMASKMOVPD   (DX), Y2, Y3
	VFMADD231PD  Y3, Y1, Y12
	VMASKMOVPD   Y12, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX
	JMP          dotzret

dotzstore0:
	VMASKMOVPD   Y4, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX
	VMASKMOVPD   Y8, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX
	VMASKMOVPD   Y12, Y2, (DX)
	DECQ         R9
	JZ           dotzret
	ADDQ         R8, DX

dotzret:
	VZEROUPPER
	RET

// func kdot3x4zpart(k int, a *float64, lda int, b *float64, ldb int, rows, cols int, acc *float64, first int)
// The main loop of kdot3x4z over k (a multiple of 8) terms: the twelve
// accumulators start from zero if first is 1, else from acc, and are left
// in acc (96 float64) for a later call to carry on with the same additions
// in the same order.
TEXT ·kdot3x4zpart(SB), NOSPLIT, $0-72
	MOVQ    rows+40(FP), CX
	MOVQ    lda+16(FP), R10
	SHLQ    $3, R10
	MOVQ    a+8(FP), AX
	LEAQ    (AX)(R10*1), BX
	CMPQ    CX, $1
	CMOVQLE AX, BX
	LEAQ    (BX)(R10*1), DX
	CMPQ    CX, $2
	CMOVQLE BX, DX
	MOVQ    cols+48(FP), CX
	MOVQ    ldb+32(FP), R10
	SHLQ    $3, R10
	MOVQ    b+24(FP), SI
	LEAQ    (SI)(R10*1), DI
	CMPQ    CX, $1
	CMOVQLE SI, DI
	LEAQ    (DI)(R10*1), R8
	CMPQ    CX, $2
	CMOVQLE DI, R8
	LEAQ    (R8)(R10*1), R9
	CMPQ    CX, $3
	CMOVQLE R8, R9
	MOVQ    acc+56(FP), R11
	MOVQ    first+64(FP), CX
	TESTQ   CX, CX
	JNZ     partzero
	LOADACC(R11)
	JMP     partstart

partzero:
	VPXORQ  Z4, Z4, Z4
	VPXORQ  Z5, Z5, Z5
	VPXORQ  Z6, Z6, Z6
	VPXORQ  Z7, Z7, Z7
	VPXORQ  Z8, Z8, Z8
	VPXORQ  Z9, Z9, Z9
	VPXORQ  Z10, Z10, Z10
	VPXORQ  Z11, Z11, Z11
	VPXORQ  Z12, Z12, Z12
	VPXORQ  Z13, Z13, Z13
	VPXORQ  Z14, Z14, Z14
	VPXORQ  Z15, Z15, Z15

partstart:
	XORQ    R10, R10
	MOVQ    k+0(FP), CX
	SHRQ    $3, CX
	JZ      partdone

partloop:
	VMOVUPD      (AX)(R10*1), Z0
	VMOVUPD      (BX)(R10*1), Z1
	VMOVUPD      (DX)(R10*1), Z2
	VMOVUPD      (SI)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z4
	VFMADD231PD  Z3, Z1, Z8
	VFMADD231PD  Z3, Z2, Z12
	VMOVUPD      (DI)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z5
	VFMADD231PD  Z3, Z1, Z9
	VFMADD231PD  Z3, Z2, Z13
	VMOVUPD      (R8)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z6
	VFMADD231PD  Z3, Z1, Z10
	VFMADD231PD  Z3, Z2, Z14
	VMOVUPD      (R9)(R10*1), Z3
	VFMADD231PD  Z3, Z0, Z7
	VFMADD231PD  Z3, Z1, Z11
	VFMADD231PD  Z3, Z2, Z15
	ADDQ         $64, R10
	DECQ         CX
	JNZ          partloop

partdone:
	STOREACC(R11)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func pack6x4(n int, a *float64, lda int, dst *float64)
// For q < n: dst[24q + 6j + r] = a[r·lda + 4q + j], r < 6, j < 4: six rows
// of A, four columns at a time, interleaved as packA's panels are (the six
// values of one column consecutive). Per four columns: six loads, a 6×4
// transpose in six unpacks and six lane permutes, six stores.
TEXT ·pack6x4(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX              // lda in bytes
	LEAQ (SI)(DX*2), R8      // row 2
	LEAQ (R8)(DX*2), R9      // row 4
	TESTQ CX, CX
	JE   done6x4

loop6x4:
	VMOVUPD (SI), Y0         // r0: p0 p1 p2 p3
	VMOVUPD (SI)(DX*1), Y1   // r1
	VMOVUPD (R8), Y2         // r2
	VMOVUPD (R8)(DX*1), Y3   // r3
	VMOVUPD (R9), Y4         // r4
	VMOVUPD (R9)(DX*1), Y5   // r5
	VUNPCKLPD Y1, Y0, Y6     // r0p0 r1p0 r0p2 r1p2
	VUNPCKHPD Y1, Y0, Y7     // r0p1 r1p1 r0p3 r1p3
	VUNPCKLPD Y3, Y2, Y8     // r2p0 r3p0 r2p2 r3p2
	VUNPCKHPD Y3, Y2, Y9     // r2p1 r3p1 r2p3 r3p3
	VUNPCKLPD Y5, Y4, Y10    // r4p0 r5p0 r4p2 r5p2
	VUNPCKHPD Y5, Y4, Y11    // r4p1 r5p1 r4p3 r5p3
	VPERM2F128 $0x20, Y8, Y6, Y0   // r0p0 r1p0 r2p0 r3p0
	VPERM2F128 $0x20, Y7, Y10, Y1  // r4p0 r5p0 r0p1 r1p1
	VPERM2F128 $0x20, Y11, Y9, Y2  // r2p1 r3p1 r4p1 r5p1
	VPERM2F128 $0x31, Y8, Y6, Y3   // r0p2 r1p2 r2p2 r3p2
	VPERM2F128 $0x31, Y7, Y10, Y4  // r4p2 r5p2 r0p3 r1p3
	VPERM2F128 $0x31, Y11, Y9, Y5  // r2p3 r3p3 r4p3 r5p3
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $192, DI
	DECQ CX
	JNE  loop6x4

done6x4:
	VZEROUPPER
	RET

// TRANS8 transposes the 8×8 block of float64 in the rows R0…R7 (Z
// registers, R0…R7 destroyed) into the columns C0…C7, using T0…T7.
#define TRANS8(R0, R1, R2, R3, R4, R5, R6, R7, T0, T1, T2, T3, T4, T5, T6, T7) \
	VUNPCKLPD  R1, R0, T0; \
	VUNPCKHPD  R1, R0, T1; \
	VUNPCKLPD  R3, R2, T2; \
	VUNPCKHPD  R3, R2, T3; \
	VUNPCKLPD  R5, R4, T4; \
	VUNPCKHPD  R5, R4, T5; \
	VUNPCKLPD  R7, R6, T6; \
	VUNPCKHPD  R7, R6, T7; \
	VSHUFF64X2 $0x88, T2, T0, R0; \
	VSHUFF64X2 $0x88, T6, T4, R1; \
	VSHUFF64X2 $0xdd, T2, T0, R2; \
	VSHUFF64X2 $0xdd, T6, T4, R3; \
	VSHUFF64X2 $0x88, T3, T1, R4; \
	VSHUFF64X2 $0x88, T7, T5, R5; \
	VSHUFF64X2 $0xdd, T3, T1, R6; \
	VSHUFF64X2 $0xdd, T7, T5, R7; \
	VSHUFF64X2 $0x88, R1, R0, T0; \
	VSHUFF64X2 $0xdd, R1, R0, T4; \
	VSHUFF64X2 $0x88, R3, R2, T2; \
	VSHUFF64X2 $0xdd, R3, R2, T6; \
	VSHUFF64X2 $0x88, R5, R4, T1; \
	VSHUFF64X2 $0xdd, R5, R4, T5; \
	VSHUFF64X2 $0x88, R7, R6, T3; \
	VSHUFF64X2 $0xdd, R7, R6, T7

// STORET16 stores eight rows of a packed panel of 16 at DI: row i is the
// column Z16+i of the first 8×8 block (TRANS8 into Z16…Z23), then the
// column Z24+i of the second (into Z24…Z31).
#define STORET16 \
	VMOVUPD Z16, 0(DI); \
	VMOVUPD Z24, 64(DI); \
	VMOVUPD Z17, 128(DI); \
	VMOVUPD Z25, 192(DI); \
	VMOVUPD Z18, 256(DI); \
	VMOVUPD Z26, 320(DI); \
	VMOVUPD Z19, 384(DI); \
	VMOVUPD Z27, 448(DI); \
	VMOVUPD Z20, 512(DI); \
	VMOVUPD Z28, 576(DI); \
	VMOVUPD Z21, 640(DI); \
	VMOVUPD Z29, 704(DI); \
	VMOVUPD Z22, 768(DI); \
	VMOVUPD Z30, 832(DI); \
	VMOVUPD Z23, 896(DI); \
	VMOVUPD Z31, 960(DI)

// func packT16(n int, b *float64, ldb int, dst *float64)
// For q < n: dst[128q + 16i + j] = b[j·ldb + 8q + i], i < 8, j < 16:
// sixteen rows of B (ldb apart), eight columns at a time, as the rows of a
// packed panel of 16 (packB on a transposed B). Per eight columns: sixteen
// loads, two 8×8 transposes (24 shuffles each), sixteen stores.
TEXT ·packT16(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX              // ldb in bytes
	LEAQ (DX)(DX*2), R10     // 3·ldb
	LEAQ (SI)(DX*4), R8      // row 4
	LEAQ (R8)(DX*4), R9      // row 8
	LEAQ (R9)(DX*4), R11     // row 12
	TESTQ CX, CX
	JE   doneT16

loopT16:
	VMOVUPD (SI), Z0
	VMOVUPD (SI)(DX*1), Z1
	VMOVUPD (SI)(DX*2), Z2
	VMOVUPD (SI)(R10*1), Z3
	VMOVUPD (R8), Z4
	VMOVUPD (R8)(DX*1), Z5
	VMOVUPD (R8)(DX*2), Z6
	VMOVUPD (R8)(R10*1), Z7
	TRANS8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	VMOVUPD (R9), Z8
	VMOVUPD (R9)(DX*1), Z9
	VMOVUPD (R9)(DX*2), Z10
	VMOVUPD (R9)(R10*1), Z11
	VMOVUPD (R11), Z12
	VMOVUPD (R11)(DX*1), Z13
	VMOVUPD (R11)(DX*2), Z14
	VMOVUPD (R11)(R10*1), Z15
	TRANS8(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	STORET16
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R11
	ADDQ $1024, DI
	DECQ CX
	JNE  loopT16

doneT16:
	VZEROUPPER
	RET

// func packN16(n int, b *float64, ldb int, dst *float64)
// For p < n: dst[16p + j] = b[p·ldb + j], j < 16: n rows of sixteen columns
// of B (ldb apart) as a packed panel of 16 (packB on B not transposed).
TEXT ·packN16(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), DX
	MOVQ dst+24(FP), DI
	SHLQ $3, DX
	TESTQ CX, CX
	JE   doneN16

loopN16:
	VMOVUPD (SI), Z0
	VMOVUPD 64(SI), Z1
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	ADDQ DX, SI
	ADDQ $128, DI
	DECQ CX
	JNE  loopN16

doneN16:
	VZEROUPPER
	RET

// func packT16x(n int, b *float64, off *[16]int, dst *float64)
// packT16 on sixteen rows at b + off[j] (offsets in float64), each anywhere:
// for q < n, dst[128q + 16i + j] = b[off[j] + 8q + i], i < 8, j < 16.
TEXT ·packT16x(SB), NOSPLIT, $0-32
	MOVQ n+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ off+16(FP), BX
	MOVQ dst+24(FP), DI
	TESTQ CX, CX
	JE   doneT16x

loopT16x:
	MOVQ 0(BX), AX
	VMOVUPD (SI)(AX*8), Z0
	MOVQ 8(BX), AX
	VMOVUPD (SI)(AX*8), Z1
	MOVQ 16(BX), AX
	VMOVUPD (SI)(AX*8), Z2
	MOVQ 24(BX), AX
	VMOVUPD (SI)(AX*8), Z3
	MOVQ 32(BX), AX
	VMOVUPD (SI)(AX*8), Z4
	MOVQ 40(BX), AX
	VMOVUPD (SI)(AX*8), Z5
	MOVQ 48(BX), AX
	VMOVUPD (SI)(AX*8), Z6
	MOVQ 56(BX), AX
	VMOVUPD (SI)(AX*8), Z7
	TRANS8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	MOVQ 64(BX), AX
	VMOVUPD (SI)(AX*8), Z8
	MOVQ 72(BX), AX
	VMOVUPD (SI)(AX*8), Z9
	MOVQ 80(BX), AX
	VMOVUPD (SI)(AX*8), Z10
	MOVQ 88(BX), AX
	VMOVUPD (SI)(AX*8), Z11
	MOVQ 96(BX), AX
	VMOVUPD (SI)(AX*8), Z12
	MOVQ 104(BX), AX
	VMOVUPD (SI)(AX*8), Z13
	MOVQ 112(BX), AX
	VMOVUPD (SI)(AX*8), Z14
	MOVQ 120(BX), AX
	VMOVUPD (SI)(AX*8), Z15
	TRANS8(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	STORET16
	ADDQ $64, SI
	ADDQ $1024, DI
	DECQ CX
	JNE  loopT16x

doneT16x:
	VZEROUPPER
	RET

// func packN16x(n int, b *float64, rows *int, ldb int, dst *float64)
// packN16 on the rows rows[0], …, rows[n−1] of B (ldb apart):
// for p < n, dst[16p + j] = b[rows[p]·ldb + j], j < 16.
TEXT ·packN16x(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ rows+16(FP), BX
	MOVQ ldb+24(FP), DX
	MOVQ dst+32(FP), DI
	TESTQ CX, CX
	JE   doneN16x

loopN16x:
	MOVQ  (BX), AX
	IMULQ DX, AX
	VMOVUPD (SI)(AX*8), Z0
	VMOVUPD 64(SI)(AX*8), Z1
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	ADDQ $8, BX
	ADDQ $128, DI
	DECQ CX
	JNE  loopN16x

doneN16x:
	VZEROUPPER
	RET
