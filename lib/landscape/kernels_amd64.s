#include "textflag.h"

// Constants of the kernels below, each broadcast from one float64.
DATA ·vecConsts+0(SB)/8, $1.0
DATA ·vecConsts+8(SB)/8, $-1.0
DATA ·vecConsts+16(SB)/8, $0x7fffffffffffffff
GLOBL ·vecConsts(SB), RODATA|NOPTR, $24

// func vsign(dst, x *float64, n int, s float64)
// for i < n (a multiple of 4): dst[i] = +1 if 0 ≤ s·x[i] (ordered: NaN gives
// −1, −0 gives +1), else −1, as the scalar sign(s*x[i]).
TEXT ·vsign(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD s+24(FP), Y12
	VBROADCASTSD ·vecConsts+0(SB), Y13
	VBROADCASTSD ·vecConsts+8(SB), Y14
	VXORPD       Y15, Y15, Y15
	SHRQ         $2, CX
	JZ           signdone

signloop:
	VMULPD    0(SI), Y12, Y0   // s·x, rounded as the scalar product
	VCMPPD    $0x12, Y0, Y15, Y0 // 0 ≤ s·x, LE_OQ: false on NaN
	VBLENDVPD Y0, Y13, Y14, Y1 // mask ? +1 : −1
	VMOVUPD   Y1, 0(DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	DECQ      CX
	JNZ       signloop

signdone:
	VZEROUPPER
	RET

// func vsteD(dst, x *float64, n int)
// for i < n (a multiple of 4): dst[i] = 1 if |x[i]| ≤ 1 (ordered: NaN gives
// 0), else 0, as the scalar steD.
TEXT ·vsteD(SB), NOSPLIT, $0-24
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSD ·vecConsts+0(SB), Y13
	VBROADCASTSD ·vecConsts+16(SB), Y15
	SHRQ         $2, CX
	JZ           stedone

steloop:
	VANDPD  0(SI), Y15, Y0      // |x|
	VCMPPD  $0x12, Y13, Y0, Y0  // |x| ≤ 1, LE_OQ: false on NaN
	VANDPD  Y13, Y0, Y1         // mask ? 1 : 0
	VMOVUPD Y1, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     steloop

stedone:
	VZEROUPPER
	RET

// func vclip(x *float64, n int)
// for i < n (a multiple of 4): x[i] = max(−1, min(1, x[i])) as Go's builtins
// compute it. MINPD and MAXPD return their second source when either
// source is NaN or both are equal, so with x as the second source a NaN
// passes through unchanged, as in Go, and ±0 (never compared with a zero)
// keeps its sign.
TEXT ·vclip(SB), NOSPLIT, $0-16
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSD ·vecConsts+0(SB), Y13
	VBROADCASTSD ·vecConsts+8(SB), Y14
	SHRQ         $3, CX
	JZ           cliptail

cliploop:
	VMINPD  0(DI), Y13, Y0  // 1 < x ? 1 : x
	VMINPD  32(DI), Y13, Y1
	VMAXPD  Y0, Y14, Y0     // −1 > y ? −1 : y
	VMAXPD  Y1, Y14, Y1
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, DI
	DECQ    CX
	JNZ     cliploop

cliptail:
	MOVQ n+8(FP), CX
	ANDQ $4, CX
	JZ   clipdone
	VMINPD  0(DI), Y13, Y0
	VMAXPD  Y0, Y14, Y0
	VMOVUPD Y0, 0(DI)

clipdone:
	VZEROUPPER
	RET

// func vcentre(dst *float64, ws *[]float64, nw, n int, y float64)
// for i < n (a multiple of 4): dst[i] = (((+0 + ws[0][i]) + ws[1][i]) + …) / y,
// the sums in the order of ws (nw ≥ 1 of them), as the scalar centre.
TEXT ·vcentre(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         ws+8(FP), SI
	MOVQ         nw+16(FP), R10
	MOVQ         n+24(FP), CX
	VBROADCASTSD y+32(FP), Y15
	XORQ         BX, BX
	SHLQ         $3, CX
	ANDQ         $-32, CX
	JZ           centredone

centreloop:
	VXORPD Y0, Y0, Y0 // c = +0
	MOVQ   SI, R8
	MOVQ   R10, R11

centreinner:
	MOVQ   0(R8), R9
	VADDPD (R9)(BX*1), Y0, Y0 // c + w[i]
	ADDQ   $24, R8
	DECQ   R11
	JNZ    centreinner
	VDIVPD  Y15, Y0, Y0 // c / y
	VMOVUPD Y0, (DI)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, CX
	JLT     centreloop

centredone:
	VZEROUPPER
	RET

// func vcouple(grad, w, c *float64, n int, gamma float64)
// for i < n (a multiple of 4): grad[i] += gamma·(w[i] − c[i]), the product
// rounded before the sum (no FMA), as the scalar loop.
TEXT ·vcouple(SB), NOSPLIT, $0-40
	MOVQ         grad+0(FP), DI
	MOVQ         w+8(FP), SI
	MOVQ         c+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSD gamma+32(FP), Y15
	SHRQ         $2, CX
	JZ           coupledone

coupleloop:
	VMOVUPD 0(SI), Y0
	VSUBPD  0(DX), Y0, Y0 // w − c
	VMULPD  Y0, Y15, Y0   // γ·(w − c)
	VMOVUPD 0(DI), Y1
	VADDPD  Y0, Y1, Y1    // g + γ·(w − c)
	VMOVUPD Y1, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     coupleloop

coupledone:
	VZEROUPPER
	RET

// func vsteGrad(dst, grad, x *float64, n, acc int)
// for i < n (a multiple of 4): d = grad[i]·steD(x[i]) (steD as vsteD), then
// dst[i] = d, or dst[i] += d if acc ≠ 0, as the scalar loops.
TEXT ·vsteGrad(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         grad+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         n+24(FP), CX
	MOVQ         acc+32(FP), AX
	VBROADCASTSD ·vecConsts+0(SB), Y13
	VBROADCASTSD ·vecConsts+16(SB), Y15
	SHRQ         $2, CX
	JZ           gradone
	TESTQ        AX, AX
	JNZ          graccloop

gradloop:
	VANDPD  0(SI), Y15, Y0     // |x|
	VCMPPD  $0x12, Y13, Y0, Y0 // |x| ≤ 1, LE_OQ: false on NaN
	VANDPD  Y13, Y0, Y0        // steD(x): 1 or 0
	VMULPD  0(DX), Y0, Y0      // grad·steD(x)
	VMOVUPD Y0, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     gradloop
	JMP     gradone

graccloop:
	VANDPD  0(SI), Y15, Y0
	VCMPPD  $0x12, Y13, Y0, Y0
	VANDPD  Y13, Y0, Y0
	VMULPD  0(DX), Y0, Y0
	VMOVUPD 0(DI), Y1
	VADDPD  Y0, Y1, Y1 // dst + grad·steD(x)
	VMOVUPD Y1, 0(DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     graccloop

gradone:
	VZEROUPPER
	RET
