#include "textflag.h"

// The constants of math.Exp's amd64 assembly (its FMA path), which vexp512
// evaluates in the same order on eight lanes.

DATA ·exLog2e+0(SB)/8, $1.4426950408889634073599246810018920
GLOBL ·exLog2e(SB), RODATA|NOPTR, $8
DATA ·exLn2u+0(SB)/8, $0.69314718055966295651160180568695068359375
GLOBL ·exLn2u(SB), RODATA|NOPTR, $8
DATA ·exLn2l+0(SB)/8, $0.28235290563031577122588448175013436025525412068e-12
GLOBL ·exLn2l(SB), RODATA|NOPTR, $8
DATA ·exSixteenth+0(SB)/8, $0.0625
GLOBL ·exSixteenth(SB), RODATA|NOPTR, $8
DATA ·exT8+0(SB)/8, $2.4801587301587301587e-5
GLOBL ·exT8(SB), RODATA|NOPTR, $8
DATA ·exT7+0(SB)/8, $1.9841269841269841270e-4
GLOBL ·exT7(SB), RODATA|NOPTR, $8
DATA ·exT6+0(SB)/8, $1.3888888888888888889e-3
GLOBL ·exT6(SB), RODATA|NOPTR, $8
DATA ·exT5+0(SB)/8, $8.3333333333333333333e-3
GLOBL ·exT5(SB), RODATA|NOPTR, $8
DATA ·exT4+0(SB)/8, $4.1666666666666666667e-2
GLOBL ·exT4(SB), RODATA|NOPTR, $8
DATA ·exT3+0(SB)/8, $1.6666666666666666667e-1
GLOBL ·exT3(SB), RODATA|NOPTR, $8
DATA ·exHalf+0(SB)/8, $0.5
GLOBL ·exHalf(SB), RODATA|NOPTR, $8
DATA ·exOne+0(SB)/8, $1.0
GLOBL ·exOne(SB), RODATA|NOPTR, $8
DATA ·exTwo+0(SB)/8, $2.0
GLOBL ·exTwo(SB), RODATA|NOPTR, $8
DATA ·exLo+0(SB)/8, $-708.0
GLOBL ·exLo(SB), RODATA|NOPTR, $8
DATA ·exHi+0(SB)/8, $709.0
GLOBL ·exHi(SB), RODATA|NOPTR, $8
DATA ·exBias+0(SB)/8, $1023
GLOBL ·exBias(SB), RODATA|NOPTR, $8

// func vexp512(dst, x *float64, n int) (done int)
// dst[i] = math.Exp(x[i]) on eight lanes (AVX-512), n a multiple of 8, with
// the operations of math.Exp's FMA path: k = round(x·log₂e),
// r = (x − k·ln2u − k·ln2l)/16 (fused), its Taylor polynomial, four
// squarings of the form y(y + 2), and the product with 2ᵏ. It stops at the
// first vector with a lane outside [−708, 709] (or NaN), where math.Exp
// would take another branch, and returns the number of entries done.
TEXT ·vexp512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	XORQ         AX, AX
	VBROADCASTSD ·exLog2e(SB), Z16
	VBROADCASTSD ·exLn2u(SB), Z17
	VBROADCASTSD ·exLn2l(SB), Z18
	VBROADCASTSD ·exSixteenth(SB), Z19
	VBROADCASTSD ·exT8(SB), Z20
	VBROADCASTSD ·exT7(SB), Z21
	VBROADCASTSD ·exT6(SB), Z22
	VBROADCASTSD ·exT5(SB), Z23
	VBROADCASTSD ·exT4(SB), Z24
	VBROADCASTSD ·exT3(SB), Z25
	VBROADCASTSD ·exHalf(SB), Z26
	VBROADCASTSD ·exOne(SB), Z27
	VBROADCASTSD ·exTwo(SB), Z28
	VBROADCASTSD ·exLo(SB), Z29
	VBROADCASTSD ·exHi(SB), Z30
	VPBROADCASTQ ·exBias(SB), Z31

exploop:
	CMPQ         AX, CX
	JGE          expdone
	VMOVUPD      (SI)(AX*8), Z0
	VCMPPD       $0x1d, Z29, Z0, K1
	VCMPPD       $0x12, Z30, Z0, K1, K2
	KORTESTB     K2, K2
	JCC          expdone
	VMULPD       Z16, Z0, Z1
	VCVTPD2DQ    Z1, Y2
	VCVTDQ2PD    Y2, Z1
	VFNMADD231PD Z17, Z1, Z0
	VFNMADD231PD Z18, Z1, Z0
	VMULPD       Z19, Z0, Z0
	VMOVAPD      Z20, Z3
	VFMADD213PD  Z21, Z0, Z3
	VFMADD213PD  Z22, Z0, Z3
	VFMADD213PD  Z23, Z0, Z3
	VFMADD213PD  Z24, Z0, Z3
	VFMADD213PD  Z25, Z0, Z3
	VFMADD213PD  Z26, Z0, Z3
	VFMADD213PD  Z27, Z0, Z3
	VMULPD       Z3, Z0, Z0
	VADDPD       Z28, Z0, Z3
	VMULPD       Z3, Z0, Z0
	VADDPD       Z28, Z0, Z3
	VMULPD       Z3, Z0, Z0
	VADDPD       Z28, Z0, Z3
	VMULPD       Z3, Z0, Z0
	VADDPD       Z28, Z0, Z3
	VFMADD213PD  Z27, Z3, Z0
	VPMOVSXDQ    Y2, Z4
	VPADDQ       Z31, Z4, Z4
	VPSLLQ       $52, Z4, Z4
	VMULPD       Z4, Z0, Z0
	VMOVUPD      Z0, (DI)(AX*8)
	ADDQ         $8, AX
	JMP          exploop

expdone:
	MOVQ         AX, done+24(FP)
	VZEROUPPER
	RET
