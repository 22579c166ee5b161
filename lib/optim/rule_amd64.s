#include "textflag.h"

// func momentumStep(theta, b, grad *float64, n int, mu, eta float64)
// for i < n (a multiple of 8): b[i] = mu·b[i] + grad[i]; theta[i] -= eta·b[i],
// each product and sum rounded as the scalar loop rounds it (no FMA).
TEXT ·momentumStep(SB), NOSPLIT, $0-48
	MOVQ         theta+0(FP), DI
	MOVQ         b+8(FP), SI
	MOVQ         grad+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSD mu+32(FP), Y14
	VBROADCASTSD eta+40(FP), Y15
	SHRQ         $3, CX
	JZ           done

loop:
	VMULPD  0(SI), Y14, Y0
	VMULPD  32(SI), Y14, Y1
	VADDPD  0(DX), Y0, Y0
	VADDPD  32(DX), Y1, Y1
	VMOVUPD Y0, 0(SI)
	VMOVUPD Y1, 32(SI)
	VMULPD  Y15, Y0, Y0
	VMULPD  Y15, Y1, Y1
	VMOVUPD 0(DI), Y2
	VMOVUPD 32(DI), Y3
	VSUBPD  Y0, Y2, Y2
	VSUBPD  Y1, Y3, Y3
	VMOVUPD Y2, 0(DI)
	VMOVUPD Y3, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET

// func adamStep(theta, m, v, grad *float64, n int, k *adamConsts)
// for i < n (a multiple of 4), with k = {b1, 1−b1, b2, 1−b2, c1, c2, a, η, ε}:
//   m[i] = b1·m[i] + (1−b1)·g
//   v[i] = b2·v[i] + ((1−b2)·g)·g
//   θ[i] = a·θ[i] − (η·(m[i]·c1)) / (√(v[i]·c2) + ε)
// each product, sum, root and quotient rounded as the scalar loop rounds it
// (no FMA; VSQRTPD and VDIVPD are correctly rounded, as SQRTSD and DIVSD).
TEXT ·adamStep(SB), NOSPLIT, $0-48
	MOVQ         theta+0(FP), DI
	MOVQ         m+8(FP), SI
	MOVQ         v+16(FP), R8
	MOVQ         grad+24(FP), DX
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), AX
	VBROADCASTSD 0(AX), Y6
	VBROADCASTSD 8(AX), Y7
	VBROADCASTSD 16(AX), Y8
	VBROADCASTSD 24(AX), Y9
	VBROADCASTSD 32(AX), Y10
	VBROADCASTSD 40(AX), Y11
	VBROADCASTSD 48(AX), Y12
	VBROADCASTSD 56(AX), Y13
	VBROADCASTSD 64(AX), Y14
	SHRQ         $2, CX
	JZ           adamdone

adamloop:
	VMOVUPD 0(DX), Y0
	VMULPD  0(SI), Y6, Y1
	VMULPD  Y0, Y7, Y2
	VADDPD  Y2, Y1, Y1
	VMOVUPD Y1, 0(SI)
	VMULPD  0(R8), Y8, Y3
	VMULPD  Y0, Y9, Y4
	VMULPD  Y0, Y4, Y4
	VADDPD  Y4, Y3, Y3
	VMOVUPD Y3, 0(R8)
	VMULPD  Y10, Y1, Y1
	VMULPD  Y1, Y13, Y1
	VMULPD  Y11, Y3, Y3
	VSQRTPD Y3, Y3
	VADDPD  Y14, Y3, Y3
	VDIVPD  Y3, Y1, Y1
	VMULPD  0(DI), Y12, Y5
	VSUBPD  Y1, Y5, Y5
	VMOVUPD Y5, 0(DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, DX
	DECQ    CX
	JNZ     adamloop

adamdone:
	VZEROUPPER
	RET

// func allFinite(x *float64, n int, inf float64) bool
// reports whether x[i] & inf (the exponent bits; inf = +Inf) differs from
// inf for every i < n (a multiple of 8): no ±Inf or NaN among them.
TEXT ·allFinite(SB), NOSPLIT, $0-25
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD inf+16(FP), Y15
	VXORPD       Y14, Y14, Y14
	SHRQ         $3, CX
	JZ           finDone

finLoop:
	VANDPD  0(SI), Y15, Y0
	VANDPD  32(SI), Y15, Y1
	VCMPPD  $0, Y15, Y0, Y0
	VCMPPD  $0, Y15, Y1, Y1
	VORPD   Y0, Y14, Y14
	VORPD   Y1, Y14, Y14
	ADDQ    $64, SI
	DECQ    CX
	JNZ     finLoop

finDone:
	VMOVMSKPD Y14, AX
	VZEROUPPER
	TESTQ     AX, AX
	SETEQ     ret+24(FP)
	RET
