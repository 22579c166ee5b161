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
