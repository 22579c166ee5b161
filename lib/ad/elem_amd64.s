#include "textflag.h"

// Elementwise functions on four float64 lanes at a time (AVX2/FMA). Every
// constant is stored four times, a 32-byte vector for memory operands.

DATA ·vone+0(SB)/8, $0x3ff0000000000000
DATA ·vone+8(SB)/8, $0x3ff0000000000000
DATA ·vone+16(SB)/8, $0x3ff0000000000000
DATA ·vone+24(SB)/8, $0x3ff0000000000000
GLOBL ·vone(SB), RODATA|NOPTR, $32
DATA ·vtwo+0(SB)/8, $0x4000000000000000
DATA ·vtwo+8(SB)/8, $0x4000000000000000
DATA ·vtwo+16(SB)/8, $0x4000000000000000
DATA ·vtwo+24(SB)/8, $0x4000000000000000
GLOBL ·vtwo(SB), RODATA|NOPTR, $32
DATA ·vlog2e+0(SB)/8, $0x3ff71547652b82fe
DATA ·vlog2e+8(SB)/8, $0x3ff71547652b82fe
DATA ·vlog2e+16(SB)/8, $0x3ff71547652b82fe
DATA ·vlog2e+24(SB)/8, $0x3ff71547652b82fe
GLOBL ·vlog2e(SB), RODATA|NOPTR, $32
DATA ·vln2hi+0(SB)/8, $0x3fe62e42fee00000
DATA ·vln2hi+8(SB)/8, $0x3fe62e42fee00000
DATA ·vln2hi+16(SB)/8, $0x3fe62e42fee00000
DATA ·vln2hi+24(SB)/8, $0x3fe62e42fee00000
GLOBL ·vln2hi(SB), RODATA|NOPTR, $32
DATA ·vln2lo+0(SB)/8, $0x3dea39ef35793c76
DATA ·vln2lo+8(SB)/8, $0x3dea39ef35793c76
DATA ·vln2lo+16(SB)/8, $0x3dea39ef35793c76
DATA ·vln2lo+24(SB)/8, $0x3dea39ef35793c76
GLOBL ·vln2lo(SB), RODATA|NOPTR, $32
DATA ·vc0+0(SB)/8, $0x3ff0000000000000
DATA ·vc0+8(SB)/8, $0x3ff0000000000000
DATA ·vc0+16(SB)/8, $0x3ff0000000000000
DATA ·vc0+24(SB)/8, $0x3ff0000000000000
GLOBL ·vc0(SB), RODATA|NOPTR, $32
DATA ·vc1+0(SB)/8, $0x3ff0000000000000
DATA ·vc1+8(SB)/8, $0x3ff0000000000000
DATA ·vc1+16(SB)/8, $0x3ff0000000000000
DATA ·vc1+24(SB)/8, $0x3ff0000000000000
GLOBL ·vc1(SB), RODATA|NOPTR, $32
DATA ·vc2+0(SB)/8, $0x3fe0000000000000
DATA ·vc2+8(SB)/8, $0x3fe0000000000000
DATA ·vc2+16(SB)/8, $0x3fe0000000000000
DATA ·vc2+24(SB)/8, $0x3fe0000000000000
GLOBL ·vc2(SB), RODATA|NOPTR, $32
DATA ·vc3+0(SB)/8, $0x3fc5555555555555
DATA ·vc3+8(SB)/8, $0x3fc5555555555555
DATA ·vc3+16(SB)/8, $0x3fc5555555555555
DATA ·vc3+24(SB)/8, $0x3fc5555555555555
GLOBL ·vc3(SB), RODATA|NOPTR, $32
DATA ·vc4+0(SB)/8, $0x3fa5555555555555
DATA ·vc4+8(SB)/8, $0x3fa5555555555555
DATA ·vc4+16(SB)/8, $0x3fa5555555555555
DATA ·vc4+24(SB)/8, $0x3fa5555555555555
GLOBL ·vc4(SB), RODATA|NOPTR, $32
DATA ·vc5+0(SB)/8, $0x3f81111111111111
DATA ·vc5+8(SB)/8, $0x3f81111111111111
DATA ·vc5+16(SB)/8, $0x3f81111111111111
DATA ·vc5+24(SB)/8, $0x3f81111111111111
GLOBL ·vc5(SB), RODATA|NOPTR, $32
DATA ·vc6+0(SB)/8, $0x3f56c16c16c16c17
DATA ·vc6+8(SB)/8, $0x3f56c16c16c16c17
DATA ·vc6+16(SB)/8, $0x3f56c16c16c16c17
DATA ·vc6+24(SB)/8, $0x3f56c16c16c16c17
GLOBL ·vc6(SB), RODATA|NOPTR, $32
DATA ·vc7+0(SB)/8, $0x3f2a01a01a01a01a
DATA ·vc7+8(SB)/8, $0x3f2a01a01a01a01a
DATA ·vc7+16(SB)/8, $0x3f2a01a01a01a01a
DATA ·vc7+24(SB)/8, $0x3f2a01a01a01a01a
GLOBL ·vc7(SB), RODATA|NOPTR, $32
DATA ·vc8+0(SB)/8, $0x3efa01a01a01a01a
DATA ·vc8+8(SB)/8, $0x3efa01a01a01a01a
DATA ·vc8+16(SB)/8, $0x3efa01a01a01a01a
DATA ·vc8+24(SB)/8, $0x3efa01a01a01a01a
GLOBL ·vc8(SB), RODATA|NOPTR, $32
DATA ·vc9+0(SB)/8, $0x3ec71de3a556c734
DATA ·vc9+8(SB)/8, $0x3ec71de3a556c734
DATA ·vc9+16(SB)/8, $0x3ec71de3a556c734
DATA ·vc9+24(SB)/8, $0x3ec71de3a556c734
GLOBL ·vc9(SB), RODATA|NOPTR, $32
DATA ·vc10+0(SB)/8, $0x3e927e4fb7789f5c
DATA ·vc10+8(SB)/8, $0x3e927e4fb7789f5c
DATA ·vc10+16(SB)/8, $0x3e927e4fb7789f5c
DATA ·vc10+24(SB)/8, $0x3e927e4fb7789f5c
GLOBL ·vc10(SB), RODATA|NOPTR, $32
DATA ·vc11+0(SB)/8, $0x3e5ae64567f544e4
DATA ·vc11+8(SB)/8, $0x3e5ae64567f544e4
DATA ·vc11+16(SB)/8, $0x3e5ae64567f544e4
DATA ·vc11+24(SB)/8, $0x3e5ae64567f544e4
GLOBL ·vc11(SB), RODATA|NOPTR, $32
DATA ·vc12+0(SB)/8, $0x3e21eed8eff8d898
DATA ·vc12+8(SB)/8, $0x3e21eed8eff8d898
DATA ·vc12+16(SB)/8, $0x3e21eed8eff8d898
DATA ·vc12+24(SB)/8, $0x3e21eed8eff8d898
GLOBL ·vc12(SB), RODATA|NOPTR, $32
DATA ·vc13+0(SB)/8, $0x3de6124613a86d09
DATA ·vc13+8(SB)/8, $0x3de6124613a86d09
DATA ·vc13+16(SB)/8, $0x3de6124613a86d09
DATA ·vc13+24(SB)/8, $0x3de6124613a86d09
GLOBL ·vc13(SB), RODATA|NOPTR, $32
DATA ·vabsmask+0(SB)/8, $0x7fffffffffffffff
DATA ·vabsmask+8(SB)/8, $0x7fffffffffffffff
DATA ·vabsmask+16(SB)/8, $0x7fffffffffffffff
DATA ·vabsmask+24(SB)/8, $0x7fffffffffffffff
GLOBL ·vabsmask(SB), RODATA|NOPTR, $32
DATA ·vsignmask+0(SB)/8, $0x8000000000000000
DATA ·vsignmask+8(SB)/8, $0x8000000000000000
DATA ·vsignmask+16(SB)/8, $0x8000000000000000
DATA ·vsignmask+24(SB)/8, $0x8000000000000000
GLOBL ·vsignmask(SB), RODATA|NOPTR, $32
DATA ·vbias+0(SB)/8, $0x3ff
DATA ·vbias+8(SB)/8, $0x3ff
DATA ·vbias+16(SB)/8, $0x3ff
DATA ·vbias+24(SB)/8, $0x3ff
GLOBL ·vbias(SB), RODATA|NOPTR, $32
DATA ·vlim700+0(SB)/8, $0x4085e00000000000
DATA ·vlim700+8(SB)/8, $0x4085e00000000000
DATA ·vlim700+16(SB)/8, $0x4085e00000000000
DATA ·vlim700+24(SB)/8, $0x4085e00000000000
GLOBL ·vlim700(SB), RODATA|NOPTR, $32
DATA ·vc0625+0(SB)/8, $0x3fe4000000000000
DATA ·vc0625+8(SB)/8, $0x3fe4000000000000
DATA ·vc0625+16(SB)/8, $0x3fe4000000000000
DATA ·vc0625+24(SB)/8, $0x3fe4000000000000
GLOBL ·vc0625(SB), RODATA|NOPTR, $32
DATA ·vc20+0(SB)/8, $0x4034000000000000
DATA ·vc20+8(SB)/8, $0x4034000000000000
DATA ·vc20+16(SB)/8, $0x4034000000000000
DATA ·vc20+24(SB)/8, $0x4034000000000000
GLOBL ·vc20(SB), RODATA|NOPTR, $32
DATA ·vtp0+0(SB)/8, $0xbfeedc5baafd6f4b
DATA ·vtp0+8(SB)/8, $0xbfeedc5baafd6f4b
DATA ·vtp0+16(SB)/8, $0xbfeedc5baafd6f4b
DATA ·vtp0+24(SB)/8, $0xbfeedc5baafd6f4b
GLOBL ·vtp0(SB), RODATA|NOPTR, $32
DATA ·vtp1+0(SB)/8, $0xc058d26a0e26682d
DATA ·vtp1+8(SB)/8, $0xc058d26a0e26682d
DATA ·vtp1+16(SB)/8, $0xc058d26a0e26682d
DATA ·vtp1+24(SB)/8, $0xc058d26a0e26682d
GLOBL ·vtp1(SB), RODATA|NOPTR, $32
DATA ·vtp2+0(SB)/8, $0xc0993ac030580563
DATA ·vtp2+8(SB)/8, $0xc0993ac030580563
DATA ·vtp2+16(SB)/8, $0xc0993ac030580563
DATA ·vtp2+24(SB)/8, $0xc0993ac030580563
GLOBL ·vtp2(SB), RODATA|NOPTR, $32
DATA ·vtq0+0(SB)/8, $0x405c33f28a581b86
DATA ·vtq0+8(SB)/8, $0x405c33f28a581b86
DATA ·vtq0+16(SB)/8, $0x405c33f28a581b86
DATA ·vtq0+24(SB)/8, $0x405c33f28a581b86
GLOBL ·vtq0(SB), RODATA|NOPTR, $32
DATA ·vtq1+0(SB)/8, $0x40a176fa0e5535fa
DATA ·vtq1+8(SB)/8, $0x40a176fa0e5535fa
DATA ·vtq1+16(SB)/8, $0x40a176fa0e5535fa
DATA ·vtq1+24(SB)/8, $0x40a176fa0e5535fa
GLOBL ·vtq1(SB), RODATA|NOPTR, $32
DATA ·vtq2+0(SB)/8, $0x40b2ec102442040c
DATA ·vtq2+8(SB)/8, $0x40b2ec102442040c
DATA ·vtq2+16(SB)/8, $0x40b2ec102442040c
DATA ·vtq2+24(SB)/8, $0x40b2ec102442040c
GLOBL ·vtq2(SB), RODATA|NOPTR, $32

// func vsigmoid(dst, x *float64, n int) (clamped int)
// dst[i] = 1/(1 + e^{−x}) for i < n (a multiple of 4), as e/(1 + e) with
// e = e^{x} for x < 0, so that nothing overflows. Lanes with |x| > 700
// (where e^{−|x|} would underflow the exponent construction) are computed
// with |x| = 700 and counted in clamped, for the caller to redo.
TEXT ·vsigmoid(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ DX, DX
	VMOVUPD ·vone(SB), Y13
	VMOVUPD ·vlim700(SB), Y14
	SHRQ $2, CX
	JZ   sigdone

sigloop:
	VMOVUPD      (SI), Y0
	VANDPD       ·vabsmask(SB), Y0, Y1
	VCMPPD       $0x1E, ·vlim700(SB), Y1, Y2
	VMOVMSKPD    Y2, AX
	ORQ          AX, DX
	VMINPD       Y1, Y14, Y1
	VXORPD       ·vsignmask(SB), Y1, Y3
	VMULPD       ·vlog2e(SB), Y3, Y9
	VROUNDPD     $0, Y9, Y9
	VMOVAPD      Y3, Y10
	VFNMADD231PD ·vln2hi(SB), Y9, Y10
	VFNMADD231PD ·vln2lo(SB), Y9, Y10
	VMOVUPD      ·vc13(SB), Y11
	VFMADD213PD  ·vc12(SB), Y10, Y11
	VFMADD213PD  ·vc11(SB), Y10, Y11
	VFMADD213PD  ·vc10(SB), Y10, Y11
	VFMADD213PD  ·vc9(SB), Y10, Y11
	VFMADD213PD  ·vc8(SB), Y10, Y11
	VFMADD213PD  ·vc7(SB), Y10, Y11
	VFMADD213PD  ·vc6(SB), Y10, Y11
	VFMADD213PD  ·vc5(SB), Y10, Y11
	VFMADD213PD  ·vc4(SB), Y10, Y11
	VFMADD213PD  ·vc3(SB), Y10, Y11
	VFMADD213PD  ·vc2(SB), Y10, Y11
	VFMADD213PD  ·vc1(SB), Y10, Y11
	VFMADD213PD  ·vc0(SB), Y10, Y11
	VCVTPD2DQY   Y9, X12
	VPMOVSXDQ    X12, Y12
	VPADDQ       ·vbias(SB), Y12, Y12
	VPSLLQ       $52, Y12, Y12
	VMULPD       Y12, Y11, Y4
	VADDPD       Y13, Y4, Y5
	VDIVPD       Y5, Y13, Y6
	VMULPD       Y4, Y6, Y7
	VBLENDVPD    Y0, Y7, Y6, Y8
	VMOVUPD      Y8, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          sigloop

sigdone:
	MOVQ DX, clamped+24(FP)
	VZEROUPPER
	RET

// func vtanh(dst, x *float64, n int)
// dst[i] = tanh x[i] for i < n (a multiple of 4): x + x z P(z)/Q(z), z = x²,
// for |x| < 0.625 (the rational form of package math), else
// sign(x)(1 − 2/(e^{2|x|} + 1)) with |x| capped at 20 (tanh 20 rounds to 1).
TEXT ·vtanh(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPD ·vone(SB), Y13
	VMOVUPD ·vc20(SB), Y14
	SHRQ $2, CX
	JZ   tanhdone

tanhloop:
	VMOVUPD      (SI), Y0
	VANDPD       ·vabsmask(SB), Y0, Y1
	VCMPPD       $0x11, ·vc0625(SB), Y1, Y2
	VMOVMSKPD    Y2, AX
	CMPQ         AX, $15
	JEQ          tanhsmall
	VMINPD       Y1, Y14, Y3
	VADDPD       Y3, Y3, Y3
	VMULPD       ·vlog2e(SB), Y3, Y9
	VROUNDPD     $0, Y9, Y9
	VMOVAPD      Y3, Y10
	VFNMADD231PD ·vln2hi(SB), Y9, Y10
	VFNMADD231PD ·vln2lo(SB), Y9, Y10
	VMOVUPD      ·vc13(SB), Y11
	VFMADD213PD  ·vc12(SB), Y10, Y11
	VFMADD213PD  ·vc11(SB), Y10, Y11
	VFMADD213PD  ·vc10(SB), Y10, Y11
	VFMADD213PD  ·vc9(SB), Y10, Y11
	VFMADD213PD  ·vc8(SB), Y10, Y11
	VFMADD213PD  ·vc7(SB), Y10, Y11
	VFMADD213PD  ·vc6(SB), Y10, Y11
	VFMADD213PD  ·vc5(SB), Y10, Y11
	VFMADD213PD  ·vc4(SB), Y10, Y11
	VFMADD213PD  ·vc3(SB), Y10, Y11
	VFMADD213PD  ·vc2(SB), Y10, Y11
	VFMADD213PD  ·vc1(SB), Y10, Y11
	VFMADD213PD  ·vc0(SB), Y10, Y11
	VCVTPD2DQY   Y9, X12
	VPMOVSXDQ    X12, Y12
	VPADDQ       ·vbias(SB), Y12, Y12
	VPSLLQ       $52, Y12, Y12
	VMULPD       Y12, Y11, Y4
	VADDPD       Y13, Y4, Y5
	VMOVUPD      ·vtwo(SB), Y6
	VDIVPD       Y5, Y6, Y6
	VSUBPD       Y6, Y13, Y7
	VANDPD       ·vsignmask(SB), Y0, Y8
	VXORPD       Y8, Y7, Y7
	TESTQ        AX, AX
	JNZ          tanhmixed
	VMOVUPD      Y7, (DI)
	JMP          tanhnext

tanhsmall: // every lane has |x| < 0.625
	VMULPD       Y0, Y0, Y9
	VMOVUPD      ·vtp0(SB), Y10
	VFMADD213PD  ·vtp1(SB), Y9, Y10
	VFMADD213PD  ·vtp2(SB), Y9, Y10
	VADDPD       ·vtq0(SB), Y9, Y11
	VFMADD213PD  ·vtq1(SB), Y9, Y11
	VFMADD213PD  ·vtq2(SB), Y9, Y11
	VDIVPD       Y11, Y10, Y10
	VMULPD       Y9, Y0, Y12
	VFMADD213PD  Y0, Y10, Y12
	VMOVUPD      Y12, (DI)
	JMP          tanhnext

tanhmixed:
	VMULPD       Y0, Y0, Y9
	VMOVUPD      ·vtp0(SB), Y10
	VFMADD213PD  ·vtp1(SB), Y9, Y10
	VFMADD213PD  ·vtp2(SB), Y9, Y10
	VADDPD       ·vtq0(SB), Y9, Y11
	VFMADD213PD  ·vtq1(SB), Y9, Y11
	VFMADD213PD  ·vtq2(SB), Y9, Y11
	VDIVPD       Y11, Y10, Y10
	VMULPD       Y9, Y0, Y12
	VFMADD213PD  Y0, Y10, Y12
	VBLENDVPD    Y2, Y12, Y7, Y8
	VMOVUPD      Y8, (DI)

tanhnext:
	ADDQ         $32, SI
	ADDQ         $32, DI
	DECQ         CX
	JNZ          tanhloop

tanhdone:
	VZEROUPPER
	RET

// func vrelu(dst, x *float64, n int, s float64)
// dst[i] = max(x[i], 0) + s·min(x[i], 0) for i < n (a multiple of 4), NaN
// propagated; with s = 0 the second term is left out (so −∞ gives 0).
TEXT ·vrelu(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VXORPD       Y15, Y15, Y15
	VBROADCASTSD s+24(FP), Y14
	MOVQ         s+24(FP), AX
	SHRQ         $2, CX
	JZ           reludone
	TESTQ        AX, AX
	JZ           reluloop0

reluloop:
	VMOVUPD     (SI), Y0
	VMAXPD      Y0, Y15, Y1
	VMINPD      Y0, Y15, Y2
	VFMADD231PD Y2, Y14, Y1
	VMOVUPD     Y1, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         reluloop
	JMP         reludone

reluloop0:
	VMOVUPD (SI), Y0
	VMAXPD  Y0, Y15, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     reluloop0

reludone:
	VZEROUPPER
	RET

// func vreluBack(dst, gr, x *float64, n, acc int, s float64)
// dst[i] (+)= gr[i]·(x[i] > 0 ? 1 : s) for i < n (a multiple of 4); accumulates if acc ≠ 0.
TEXT ·vreluBack(SB), NOSPLIT, $0-48
	MOVQ    dst+0(FP), DI
	MOVQ    gr+8(FP), SI
	MOVQ    x+16(FP), DX
	MOVQ    n+24(FP), CX
	MOVQ    acc+32(FP), AX
	VMOVUPD ·vone(SB), Y13
	VXORPD  Y15, Y15, Y15
	VBROADCASTSD s+40(FP), Y14
	SHRQ    $2, CX
	JZ      vreluBackdone
	TESTQ   AX, AX
	JNZ     vreluBackacc

vreluBackloop:
	VMOVUPD (DX), Y0
	VCMPPD    $0x1E, Y15, Y0, Y2
	VBLENDVPD Y2, Y13, Y14, Y1
	VMULPD  (SI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vreluBackloop
	JMP     vreluBackdone

vreluBackacc:
	VMOVUPD (DX), Y0
	VCMPPD    $0x1E, Y15, Y0, Y2
	VBLENDVPD Y2, Y13, Y14, Y1
	VMULPD  (SI), Y1, Y1
	VADDPD  (DI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vreluBackacc

vreluBackdone:
	VZEROUPPER
	RET


// func vtanhBack(dst, gr, x *float64, n, acc int)
// dst[i] (+)= gr[i]·(1 − y[i]²) for i < n (a multiple of 4), y = tanh x; accumulates if acc ≠ 0.
TEXT ·vtanhBack(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    gr+8(FP), SI
	MOVQ    x+16(FP), DX
	MOVQ    n+24(FP), CX
	MOVQ    acc+32(FP), AX
	VMOVUPD ·vone(SB), Y13
	VXORPD  Y15, Y15, Y15
	SHRQ    $2, CX
	JZ      vtanhBackdone
	TESTQ   AX, AX
	JNZ     vtanhBackacc

vtanhBackloop:
	VMOVUPD (DX), Y0
	VMOVAPD      Y13, Y1
	VFNMADD231PD Y0, Y0, Y1
	VMULPD  (SI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vtanhBackloop
	JMP     vtanhBackdone

vtanhBackacc:
	VMOVUPD (DX), Y0
	VMOVAPD      Y13, Y1
	VFNMADD231PD Y0, Y0, Y1
	VMULPD  (SI), Y1, Y1
	VADDPD  (DI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vtanhBackacc

vtanhBackdone:
	VZEROUPPER
	RET


// func vsigmoidBack(dst, gr, x *float64, n, acc int)
// dst[i] (+)= gr[i]·y[i]·(1 − y[i]) for i < n (a multiple of 4), y = sigmoid x; accumulates if acc ≠ 0.
TEXT ·vsigmoidBack(SB), NOSPLIT, $0-40
	MOVQ    dst+0(FP), DI
	MOVQ    gr+8(FP), SI
	MOVQ    x+16(FP), DX
	MOVQ    n+24(FP), CX
	MOVQ    acc+32(FP), AX
	VMOVUPD ·vone(SB), Y13
	VXORPD  Y15, Y15, Y15
	SHRQ    $2, CX
	JZ      vsigmoidBackdone
	TESTQ   AX, AX
	JNZ     vsigmoidBackacc

vsigmoidBackloop:
	VMOVUPD (DX), Y0
	VSUBPD  Y0, Y13, Y1
	VMULPD  Y0, Y1, Y1
	VMULPD  (SI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vsigmoidBackloop
	JMP     vsigmoidBackdone

vsigmoidBackacc:
	VMOVUPD (DX), Y0
	VSUBPD  Y0, Y13, Y1
	VMULPD  Y0, Y1, Y1
	VMULPD  (SI), Y1, Y1
	VADDPD  (DI), Y1, Y1
	VMOVUPD Y1, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	DECQ    CX
	JNZ     vsigmoidBackacc

vsigmoidBackdone:
	VZEROUPPER
	RET


// 64-byte copies of the constants, for ZMM memory operands.
DATA ·wone+0(SB)/8, $0x3ff0000000000000
DATA ·wone+8(SB)/8, $0x3ff0000000000000
DATA ·wone+16(SB)/8, $0x3ff0000000000000
DATA ·wone+24(SB)/8, $0x3ff0000000000000
DATA ·wone+32(SB)/8, $0x3ff0000000000000
DATA ·wone+40(SB)/8, $0x3ff0000000000000
DATA ·wone+48(SB)/8, $0x3ff0000000000000
DATA ·wone+56(SB)/8, $0x3ff0000000000000
GLOBL ·wone(SB), RODATA|NOPTR, $64
DATA ·wtwo+0(SB)/8, $0x4000000000000000
DATA ·wtwo+8(SB)/8, $0x4000000000000000
DATA ·wtwo+16(SB)/8, $0x4000000000000000
DATA ·wtwo+24(SB)/8, $0x4000000000000000
DATA ·wtwo+32(SB)/8, $0x4000000000000000
DATA ·wtwo+40(SB)/8, $0x4000000000000000
DATA ·wtwo+48(SB)/8, $0x4000000000000000
DATA ·wtwo+56(SB)/8, $0x4000000000000000
GLOBL ·wtwo(SB), RODATA|NOPTR, $64
DATA ·wlog2e+0(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+8(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+16(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+24(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+32(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+40(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+48(SB)/8, $0x3ff71547652b82fe
DATA ·wlog2e+56(SB)/8, $0x3ff71547652b82fe
GLOBL ·wlog2e(SB), RODATA|NOPTR, $64
DATA ·wln2hi+0(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+8(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+16(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+24(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+32(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+40(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+48(SB)/8, $0x3fe62e42fee00000
DATA ·wln2hi+56(SB)/8, $0x3fe62e42fee00000
GLOBL ·wln2hi(SB), RODATA|NOPTR, $64
DATA ·wln2lo+0(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+8(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+16(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+24(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+32(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+40(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+48(SB)/8, $0x3dea39ef35793c76
DATA ·wln2lo+56(SB)/8, $0x3dea39ef35793c76
GLOBL ·wln2lo(SB), RODATA|NOPTR, $64
DATA ·wc0+0(SB)/8, $0x3ff0000000000000
DATA ·wc0+8(SB)/8, $0x3ff0000000000000
DATA ·wc0+16(SB)/8, $0x3ff0000000000000
DATA ·wc0+24(SB)/8, $0x3ff0000000000000
DATA ·wc0+32(SB)/8, $0x3ff0000000000000
DATA ·wc0+40(SB)/8, $0x3ff0000000000000
DATA ·wc0+48(SB)/8, $0x3ff0000000000000
DATA ·wc0+56(SB)/8, $0x3ff0000000000000
GLOBL ·wc0(SB), RODATA|NOPTR, $64
DATA ·wc1+0(SB)/8, $0x3ff0000000000000
DATA ·wc1+8(SB)/8, $0x3ff0000000000000
DATA ·wc1+16(SB)/8, $0x3ff0000000000000
DATA ·wc1+24(SB)/8, $0x3ff0000000000000
DATA ·wc1+32(SB)/8, $0x3ff0000000000000
DATA ·wc1+40(SB)/8, $0x3ff0000000000000
DATA ·wc1+48(SB)/8, $0x3ff0000000000000
DATA ·wc1+56(SB)/8, $0x3ff0000000000000
GLOBL ·wc1(SB), RODATA|NOPTR, $64
DATA ·wc2+0(SB)/8, $0x3fe0000000000000
DATA ·wc2+8(SB)/8, $0x3fe0000000000000
DATA ·wc2+16(SB)/8, $0x3fe0000000000000
DATA ·wc2+24(SB)/8, $0x3fe0000000000000
DATA ·wc2+32(SB)/8, $0x3fe0000000000000
DATA ·wc2+40(SB)/8, $0x3fe0000000000000
DATA ·wc2+48(SB)/8, $0x3fe0000000000000
DATA ·wc2+56(SB)/8, $0x3fe0000000000000
GLOBL ·wc2(SB), RODATA|NOPTR, $64
DATA ·wc3+0(SB)/8, $0x3fc5555555555555
DATA ·wc3+8(SB)/8, $0x3fc5555555555555
DATA ·wc3+16(SB)/8, $0x3fc5555555555555
DATA ·wc3+24(SB)/8, $0x3fc5555555555555
DATA ·wc3+32(SB)/8, $0x3fc5555555555555
DATA ·wc3+40(SB)/8, $0x3fc5555555555555
DATA ·wc3+48(SB)/8, $0x3fc5555555555555
DATA ·wc3+56(SB)/8, $0x3fc5555555555555
GLOBL ·wc3(SB), RODATA|NOPTR, $64
DATA ·wc4+0(SB)/8, $0x3fa5555555555555
DATA ·wc4+8(SB)/8, $0x3fa5555555555555
DATA ·wc4+16(SB)/8, $0x3fa5555555555555
DATA ·wc4+24(SB)/8, $0x3fa5555555555555
DATA ·wc4+32(SB)/8, $0x3fa5555555555555
DATA ·wc4+40(SB)/8, $0x3fa5555555555555
DATA ·wc4+48(SB)/8, $0x3fa5555555555555
DATA ·wc4+56(SB)/8, $0x3fa5555555555555
GLOBL ·wc4(SB), RODATA|NOPTR, $64
DATA ·wc5+0(SB)/8, $0x3f81111111111111
DATA ·wc5+8(SB)/8, $0x3f81111111111111
DATA ·wc5+16(SB)/8, $0x3f81111111111111
DATA ·wc5+24(SB)/8, $0x3f81111111111111
DATA ·wc5+32(SB)/8, $0x3f81111111111111
DATA ·wc5+40(SB)/8, $0x3f81111111111111
DATA ·wc5+48(SB)/8, $0x3f81111111111111
DATA ·wc5+56(SB)/8, $0x3f81111111111111
GLOBL ·wc5(SB), RODATA|NOPTR, $64
DATA ·wc6+0(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+8(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+16(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+24(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+32(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+40(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+48(SB)/8, $0x3f56c16c16c16c17
DATA ·wc6+56(SB)/8, $0x3f56c16c16c16c17
GLOBL ·wc6(SB), RODATA|NOPTR, $64
DATA ·wc7+0(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+8(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+16(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+24(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+32(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+40(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+48(SB)/8, $0x3f2a01a01a01a01a
DATA ·wc7+56(SB)/8, $0x3f2a01a01a01a01a
GLOBL ·wc7(SB), RODATA|NOPTR, $64
DATA ·wc8+0(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+8(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+16(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+24(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+32(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+40(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+48(SB)/8, $0x3efa01a01a01a01a
DATA ·wc8+56(SB)/8, $0x3efa01a01a01a01a
GLOBL ·wc8(SB), RODATA|NOPTR, $64
DATA ·wc9+0(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+8(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+16(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+24(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+32(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+40(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+48(SB)/8, $0x3ec71de3a556c734
DATA ·wc9+56(SB)/8, $0x3ec71de3a556c734
GLOBL ·wc9(SB), RODATA|NOPTR, $64
DATA ·wc10+0(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+8(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+16(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+24(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+32(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+40(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+48(SB)/8, $0x3e927e4fb7789f5c
DATA ·wc10+56(SB)/8, $0x3e927e4fb7789f5c
GLOBL ·wc10(SB), RODATA|NOPTR, $64
DATA ·wc11+0(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+8(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+16(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+24(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+32(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+40(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+48(SB)/8, $0x3e5ae64567f544e4
DATA ·wc11+56(SB)/8, $0x3e5ae64567f544e4
GLOBL ·wc11(SB), RODATA|NOPTR, $64
DATA ·wc12+0(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+8(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+16(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+24(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+32(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+40(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+48(SB)/8, $0x3e21eed8eff8d898
DATA ·wc12+56(SB)/8, $0x3e21eed8eff8d898
GLOBL ·wc12(SB), RODATA|NOPTR, $64
DATA ·wc13+0(SB)/8, $0x3de6124613a86d09
DATA ·wc13+8(SB)/8, $0x3de6124613a86d09
DATA ·wc13+16(SB)/8, $0x3de6124613a86d09
DATA ·wc13+24(SB)/8, $0x3de6124613a86d09
DATA ·wc13+32(SB)/8, $0x3de6124613a86d09
DATA ·wc13+40(SB)/8, $0x3de6124613a86d09
DATA ·wc13+48(SB)/8, $0x3de6124613a86d09
DATA ·wc13+56(SB)/8, $0x3de6124613a86d09
GLOBL ·wc13(SB), RODATA|NOPTR, $64
DATA ·wabsmask+0(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+8(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+16(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+24(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+32(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+40(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+48(SB)/8, $0x7fffffffffffffff
DATA ·wabsmask+56(SB)/8, $0x7fffffffffffffff
GLOBL ·wabsmask(SB), RODATA|NOPTR, $64
DATA ·wsignmask+0(SB)/8, $0x8000000000000000
DATA ·wsignmask+8(SB)/8, $0x8000000000000000
DATA ·wsignmask+16(SB)/8, $0x8000000000000000
DATA ·wsignmask+24(SB)/8, $0x8000000000000000
DATA ·wsignmask+32(SB)/8, $0x8000000000000000
DATA ·wsignmask+40(SB)/8, $0x8000000000000000
DATA ·wsignmask+48(SB)/8, $0x8000000000000000
DATA ·wsignmask+56(SB)/8, $0x8000000000000000
GLOBL ·wsignmask(SB), RODATA|NOPTR, $64
DATA ·wlim+0(SB)/8, $0x4087500000000000
DATA ·wlim+8(SB)/8, $0x4087500000000000
DATA ·wlim+16(SB)/8, $0x4087500000000000
DATA ·wlim+24(SB)/8, $0x4087500000000000
DATA ·wlim+32(SB)/8, $0x4087500000000000
DATA ·wlim+40(SB)/8, $0x4087500000000000
DATA ·wlim+48(SB)/8, $0x4087500000000000
DATA ·wlim+56(SB)/8, $0x4087500000000000
GLOBL ·wlim(SB), RODATA|NOPTR, $64
DATA ·wc0625+0(SB)/8, $0x3fe4000000000000
DATA ·wc0625+8(SB)/8, $0x3fe4000000000000
DATA ·wc0625+16(SB)/8, $0x3fe4000000000000
DATA ·wc0625+24(SB)/8, $0x3fe4000000000000
DATA ·wc0625+32(SB)/8, $0x3fe4000000000000
DATA ·wc0625+40(SB)/8, $0x3fe4000000000000
DATA ·wc0625+48(SB)/8, $0x3fe4000000000000
DATA ·wc0625+56(SB)/8, $0x3fe4000000000000
GLOBL ·wc0625(SB), RODATA|NOPTR, $64
DATA ·wc20+0(SB)/8, $0x4034000000000000
DATA ·wc20+8(SB)/8, $0x4034000000000000
DATA ·wc20+16(SB)/8, $0x4034000000000000
DATA ·wc20+24(SB)/8, $0x4034000000000000
DATA ·wc20+32(SB)/8, $0x4034000000000000
DATA ·wc20+40(SB)/8, $0x4034000000000000
DATA ·wc20+48(SB)/8, $0x4034000000000000
DATA ·wc20+56(SB)/8, $0x4034000000000000
GLOBL ·wc20(SB), RODATA|NOPTR, $64
DATA ·wtp0+0(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+8(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+16(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+24(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+32(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+40(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+48(SB)/8, $0xbfeedc5baafd6f4b
DATA ·wtp0+56(SB)/8, $0xbfeedc5baafd6f4b
GLOBL ·wtp0(SB), RODATA|NOPTR, $64
DATA ·wtp1+0(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+8(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+16(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+24(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+32(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+40(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+48(SB)/8, $0xc058d26a0e26682d
DATA ·wtp1+56(SB)/8, $0xc058d26a0e26682d
GLOBL ·wtp1(SB), RODATA|NOPTR, $64
DATA ·wtp2+0(SB)/8, $0xc0993ac030580563
DATA ·wtp2+8(SB)/8, $0xc0993ac030580563
DATA ·wtp2+16(SB)/8, $0xc0993ac030580563
DATA ·wtp2+24(SB)/8, $0xc0993ac030580563
DATA ·wtp2+32(SB)/8, $0xc0993ac030580563
DATA ·wtp2+40(SB)/8, $0xc0993ac030580563
DATA ·wtp2+48(SB)/8, $0xc0993ac030580563
DATA ·wtp2+56(SB)/8, $0xc0993ac030580563
GLOBL ·wtp2(SB), RODATA|NOPTR, $64
DATA ·wtq0+0(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+8(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+16(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+24(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+32(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+40(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+48(SB)/8, $0x405c33f28a581b86
DATA ·wtq0+56(SB)/8, $0x405c33f28a581b86
GLOBL ·wtq0(SB), RODATA|NOPTR, $64
DATA ·wtq1+0(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+8(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+16(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+24(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+32(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+40(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+48(SB)/8, $0x40a176fa0e5535fa
DATA ·wtq1+56(SB)/8, $0x40a176fa0e5535fa
GLOBL ·wtq1(SB), RODATA|NOPTR, $64
DATA ·wtq2+0(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+8(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+16(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+24(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+32(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+40(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+48(SB)/8, $0x40b2ec102442040c
DATA ·wtq2+56(SB)/8, $0x40b2ec102442040c
GLOBL ·wtq2(SB), RODATA|NOPTR, $64

// func vsigmoid512(dst, x *float64, n int)
// vsigmoid on eight lanes (AVX-512), n a multiple of 8: e^{−|x|} as
// p(r)·2ⁿ by VSCALEFPD, which also gives the subnormal results of
// |x| ∈ (708, 745], so no lane needs a scalar redo (|x| is capped at 746,
// beyond which e^{−|x|} rounds to 0).
TEXT ·vsigmoid512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPD ·wone(SB), Z13
	VMOVUPD ·wlim(SB), Z14
	VPXORQ  Z15, Z15, Z15
	SHRQ    $3, CX
	JZ      sig512done

sig512loop:
	VMOVUPD      (SI), Z0
	VANDPD       ·wabsmask(SB), Z0, Z1
	VMINPD       Z1, Z14, Z1
	VSUBPD       Z1, Z15, Z3
	VMULPD       ·wlog2e(SB), Z3, Z9
	VRNDSCALEPD  $0, Z9, Z9
	VMOVAPD      Z3, Z10
	VFNMADD231PD ·wln2hi(SB), Z9, Z10
	VFNMADD231PD ·wln2lo(SB), Z9, Z10
	VMOVUPD      ·wc13(SB), Z11
	VFMADD213PD  ·wc12(SB), Z10, Z11
	VFMADD213PD  ·wc11(SB), Z10, Z11
	VFMADD213PD  ·wc10(SB), Z10, Z11
	VFMADD213PD  ·wc9(SB), Z10, Z11
	VFMADD213PD  ·wc8(SB), Z10, Z11
	VFMADD213PD  ·wc7(SB), Z10, Z11
	VFMADD213PD  ·wc6(SB), Z10, Z11
	VFMADD213PD  ·wc5(SB), Z10, Z11
	VFMADD213PD  ·wc4(SB), Z10, Z11
	VFMADD213PD  ·wc3(SB), Z10, Z11
	VFMADD213PD  ·wc2(SB), Z10, Z11
	VFMADD213PD  ·wc1(SB), Z10, Z11
	VFMADD213PD  ·wc0(SB), Z10, Z11
	VSCALEFPD    Z9, Z11, Z4
	VADDPD       Z13, Z4, Z5
	VDIVPD       Z5, Z13, Z6
	VMULPD       Z4, Z6, Z7
	VCMPPD       $0x11, Z15, Z0, K1
	VMOVAPD      Z7, K1, Z6
	VMOVUPD      Z6, (DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          sig512loop

sig512done:
	VZEROUPPER
	RET

// func vtanh512(dst, x *float64, n int)
// vtanh on eight lanes (AVX-512), n a multiple of 8.
TEXT ·vtanh512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPD ·wone(SB), Z13
	VMOVUPD ·wc20(SB), Z14
	SHRQ    $3, CX
	JZ      tanh512done

tanh512loop:
	VMOVUPD      (SI), Z0
	VANDPD       ·wabsmask(SB), Z0, Z1
	VCMPPD       $0x11, ·wc0625(SB), Z1, K1
	KORTESTB     K1, K1
	JC           tanh512small
	VMINPD       Z1, Z14, Z3
	VADDPD       Z3, Z3, Z3
	VMULPD       ·wlog2e(SB), Z3, Z9
	VRNDSCALEPD  $0, Z9, Z9
	VMOVAPD      Z3, Z10
	VFNMADD231PD ·wln2hi(SB), Z9, Z10
	VFNMADD231PD ·wln2lo(SB), Z9, Z10
	VMOVUPD      ·wc13(SB), Z11
	VFMADD213PD  ·wc12(SB), Z10, Z11
	VFMADD213PD  ·wc11(SB), Z10, Z11
	VFMADD213PD  ·wc10(SB), Z10, Z11
	VFMADD213PD  ·wc9(SB), Z10, Z11
	VFMADD213PD  ·wc8(SB), Z10, Z11
	VFMADD213PD  ·wc7(SB), Z10, Z11
	VFMADD213PD  ·wc6(SB), Z10, Z11
	VFMADD213PD  ·wc5(SB), Z10, Z11
	VFMADD213PD  ·wc4(SB), Z10, Z11
	VFMADD213PD  ·wc3(SB), Z10, Z11
	VFMADD213PD  ·wc2(SB), Z10, Z11
	VFMADD213PD  ·wc1(SB), Z10, Z11
	VFMADD213PD  ·wc0(SB), Z10, Z11
	VSCALEFPD    Z9, Z11, Z4
	VADDPD       Z13, Z4, Z5
	VMOVUPD      ·wtwo(SB), Z6
	VDIVPD       Z5, Z6, Z6
	VSUBPD       Z6, Z13, Z7
	VANDPD       ·wsignmask(SB), Z0, Z8
	VXORPD       Z8, Z7, Z7
	KTESTB       K1, K1
	JZ           tanh512store
	VMULPD       Z0, Z0, Z9
	VMOVUPD      ·wtp0(SB), Z10
	VFMADD213PD  ·wtp1(SB), Z9, Z10
	VFMADD213PD  ·wtp2(SB), Z9, Z10
	VADDPD       ·wtq0(SB), Z9, Z11
	VFMADD213PD  ·wtq1(SB), Z9, Z11
	VFMADD213PD  ·wtq2(SB), Z9, Z11
	VDIVPD       Z11, Z10, Z10
	VMULPD       Z9, Z0, Z12
	VFMADD213PD  Z0, Z10, Z12
	VMOVAPD      Z12, K1, Z7
	JMP          tanh512store

tanh512small: // every lane has |x| < 0.625
	VMULPD       Z0, Z0, Z9
	VMOVUPD      ·wtp0(SB), Z10
	VFMADD213PD  ·wtp1(SB), Z9, Z10
	VFMADD213PD  ·wtp2(SB), Z9, Z10
	VADDPD       ·wtq0(SB), Z9, Z11
	VFMADD213PD  ·wtq1(SB), Z9, Z11
	VFMADD213PD  ·wtq2(SB), Z9, Z11
	VDIVPD       Z11, Z10, Z10
	VMULPD       Z9, Z0, Z12
	VFMADD213PD  Z0, Z10, Z12
	VMOVAPD      Z12, Z7

tanh512store:
	VMOVUPD      Z7, (DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          tanh512loop

tanh512done:
	VZEROUPPER
	RET

// func vaddScalar(dst, x *float64, n int, s float64)
// dst[i] = x[i] + s for i < n (a multiple of 4), x[i] the first operand of
// each sum as in the scalar loop, so that when both are NaN the result is
// x[i]'s NaN, as there.
TEXT ·vaddScalar(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD s+24(FP), Y15
	MOVQ         CX, DX
	SHRQ         $4, DX
	JZ           addsq4

addsq16:
	VMOVUPD (SI), Y0
	VMOVUPD 32(SI), Y1
	VMOVUPD 64(SI), Y2
	VMOVUPD 96(SI), Y3
	VADDPD  Y15, Y0, Y0
	VADDPD  Y15, Y1, Y1
	VADDPD  Y15, Y2, Y2
	VADDPD  Y15, Y3, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DI
	DECQ    DX
	JNZ     addsq16

addsq4:
	ANDQ $15, CX
	SHRQ $2, CX
	JZ   addsdone

addsloop4:
	VMOVUPD (SI), Y0
	VADDPD  Y15, Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     addsloop4

addsdone:
	VZEROUPPER
	RET

// COMBINE16 adds the sixteen partial sums of Y0–Y3 into X0's low lane as
// combine16 does: (Y0 + Y1) + (Y2 + Y3), then lanes 0 + 2 and 1 + 3, then
// those two.
#define COMBINE16 \
	VADDPD       Y1, Y0, Y0; \
	VADDPD       Y3, Y2, Y2; \
	VADDPD       Y2, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPD       X1, X0, X0; \
	VHADDPD      X0, X0, X0

// func vsum16(x *float64, n int) float64
// Sixteen partial sums in Y0–Y3 over n (a multiple of 16) entries, each
// added to its partial sum (the sum the first operand, whose NaN x86
// returns when both are NaNs; sum16Go's compiled order may differ),
// combined by COMBINE16.
TEXT ·vsum16(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHRQ   $4, CX
	JZ     vsum16done

vsum16loop:
	VADDPD (SI), Y0, Y0
	VADDPD 32(SI), Y1, Y1
	VADDPD 64(SI), Y2, Y2
	VADDPD 96(SI), Y3, Y3
	ADDQ   $128, SI
	DECQ   CX
	JNZ    vsum16loop

vsum16done:
	COMBINE16
	VMOVSD       X0, ret+16(FP)
	VZEROUPPER
	RET

// func vdot16(x, y *float64, n int) float64
// vsum16 on the products x[i]·y[i], each fused into its partial sum.
TEXT ·vdot16(SB), NOSPLIT, $0-32
	MOVQ   x+0(FP), SI
	MOVQ   y+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	SHRQ   $4, CX
	JZ     vdot16done

vdot16loop:
	VMOVUPD     (SI), Y4
	VMOVUPD     32(SI), Y5
	VMOVUPD     64(SI), Y6
	VMOVUPD     96(SI), Y7
	VFMADD231PD (DI), Y4, Y0
	VFMADD231PD 32(DI), Y5, Y1
	VFMADD231PD 64(DI), Y6, Y2
	VFMADD231PD 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        CX
	JNZ         vdot16loop

vdot16done:
	COMBINE16
	VMOVSD       X0, ret+24(FP)
	VZEROUPPER
	RET
