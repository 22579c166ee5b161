#include "textflag.h"

// 2×2 max-pooling on eight float64 lanes (AVX-512F), bit for bit as the
// scalar code.
//
// Go compiles max(x, y) on amd64 as −min(−x, −y), with min(x, y) =
// (MINSD(MINSD(x, y), x)) | MINSD(x, y) (bits), where MINSD(x, y) is
// x < y ? x : y (y when either is NaN); this gets ±0 right and makes any NaN
// a NaN, whose payload then depends on this exact sequence. VMINPD is MINSD
// lane by lane, so NEGMAX repeats the sequence on negated inputs X, Y and
// leaves the negated maximum in R (clobbering T); negating once on the way
// in and once on the way out gives the same bits as negating around every
// max, as negation only flips the sign bit.
#define NEGMAX(X, Y, R, T) \
	VMINPD Y, X, R; \
	VMINPD X, R, T; \
	VPORQ  R, T, R

// func maxPool512(top, bot, y *float64, arg *uint8, nw, n, m int)
//
// For each of nw windows w and each lane s < m (a multiple of 8) it reads
// a = top[2wn+s], b = top[2wn+n+s], c = bot[2wn+s], d = bot[2wn+n+s] and
// writes y[wn+s] = max(max(a, b), max(c, d)) and, unless arg is nil,
// arg[wn+s] = the index of the first of a, b, c, d equal to the maximum
// (3 when it is NaN), as n₀(1 + n₁(1 + n₂)) with nᵢ = [xᵢ ≠ max].
TEXT ·maxPool512(SB), NOSPLIT, $0-56
	MOVQ top+0(FP), SI
	MOVQ bot+8(FP), BX
	MOVQ y+16(FP), DI
	MOVQ arg+24(FP), DX
	MOVQ nw+32(FP), CX
	MOVQ n+40(FP), R8
	MOVQ m+48(FP), R9
	MOVQ $1, AX
	VPBROADCASTQ AX, Z31
	MOVQ $0x8000000000000000, AX
	VPBROADCASTQ AX, Z30
	MOVQ R8, R13
	SHLQ $4, R13 // 2n·8 bytes: one window of a row
	TESTQ CX, CX
	JZ   done

window:
	LEAQ (SI)(R8*8), R11 // top + n
	LEAQ (BX)(R8*8), R12 // bot + n
	XORQ R10, R10

lanes:
	CMPQ R10, R9
	JGE  next
	VMOVUPD (SI)(R10*8), Z0
	VMOVUPD (R11)(R10*8), Z1
	VMOVUPD (BX)(R10*8), Z2
	VMOVUPD (R12)(R10*8), Z3
	VPXORQ Z30, Z0, Z0 // the inputs negated
	VPXORQ Z30, Z1, Z1
	VPXORQ Z30, Z2, Z2
	VPXORQ Z30, Z3, Z3
	NEGMAX(Z0, Z1, Z4, Z8)
	NEGMAX(Z2, Z3, Z5, Z9)
	NEGMAX(Z4, Z5, Z6, Z10)
	VPXORQ Z30, Z6, Z11
	VMOVUPD Z11, (DI)(R10*8)
	TESTQ DX, DX
	JZ   noarg
	// Equality and NaN are the same for the negated numbers.
	VCMPPD $0x04, Z6, Z0, K5     // a ≠ max (or NaN)
	VCMPPD $0x04, Z6, Z1, K5, K6 // and b ≠ max
	VCMPPD $0x04, Z6, Z2, K6, K7 // and c ≠ max
	VPXORQ Z7, Z7, Z7
	VPADDQ Z31, Z7, K5, Z7
	VPADDQ Z31, Z7, K6, Z7
	VPADDQ Z31, Z7, K7, Z7
	VPMOVQB Z7, (DX)(R10*1)

noarg:
	ADDQ $8, R10
	JMP  lanes

next:
	ADDQ R13, SI
	ADDQ R13, BX
	LEAQ (DI)(R8*8), DI
	TESTQ DX, DX
	JZ   nextw
	ADDQ R8, DX

nextw:
	DECQ CX
	JNZ  window

done:
	VZEROUPPER
	RET

// func maxPoolBack512(gr *float64, arg *uint8, top, bot *float64, nw, n, m int)
//
// The adjoint for first-time gradients: for each window w and lane s < m (a
// multiple of 8) it writes gr[wn+s] into the one of top[2wn+s],
// top[2wn+n+s], bot[2wn+s], bot[2wn+n+s] that arg[wn+s] (0–3) names and
// +0 into the other three.
TEXT ·maxPoolBack512(SB), NOSPLIT, $0-56
	MOVQ gr+0(FP), DI
	MOVQ arg+8(FP), DX
	MOVQ top+16(FP), SI
	MOVQ bot+24(FP), BX
	MOVQ nw+32(FP), CX
	MOVQ n+40(FP), R8
	MOVQ m+48(FP), R9
	VPXORQ Z28, Z28, Z28
	MOVQ $1, AX
	VPBROADCASTQ AX, Z29
	MOVQ $2, AX
	VPBROADCASTQ AX, Z30
	MOVQ $3, AX
	VPBROADCASTQ AX, Z31
	MOVQ R8, R13
	SHLQ $4, R13
	TESTQ CX, CX
	JZ   bdone

bwindow:
	LEAQ (SI)(R8*8), R11
	LEAQ (BX)(R8*8), R12
	XORQ R10, R10

blanes:
	CMPQ R10, R9
	JGE  bnext
	VPMOVZXBQ (DX)(R10*1), Z0
	VMOVUPD (DI)(R10*8), Z1
	VPCMPEQQ Z28, Z0, K1
	VPCMPEQQ Z29, Z0, K2
	VPCMPEQQ Z30, Z0, K3
	VPCMPEQQ Z31, Z0, K4
	VMOVUPD.Z Z1, K1, Z2
	VMOVUPD.Z Z1, K2, Z3
	VMOVUPD.Z Z1, K3, Z4
	VMOVUPD.Z Z1, K4, Z5
	VMOVUPD Z2, (SI)(R10*8)
	VMOVUPD Z3, (R11)(R10*8)
	VMOVUPD Z4, (BX)(R10*8)
	VMOVUPD Z5, (R12)(R10*8)
	ADDQ $8, R10
	JMP  blanes

bnext:
	ADDQ R13, SI
	ADDQ R13, BX
	LEAQ (DI)(R8*8), DI
	ADDQ R8, DX
	DECQ CX
	JNZ  bwindow

bdone:
	VZEROUPPER
	RET
