package script

// rand48 is Redis's rand.c: the 48-bit linear congruential generator of
// drand48, so that math.random gives the same sequence on every machine.
// Redis seeds it with 0 before each EVAL, which makes a script's random
// numbers deterministic (and so safe to replicate as a script).
type rand48 struct{ x uint64 }

const (
	rand48A    = 0x5DEECE66D
	rand48C    = 0xB
	rand48Mask = 1<<48 - 1
	// lrand48Max is REDIS_LRAND48_MAX (INT32_MAX).
	lrand48Max = 1<<31 - 1
)

func newRand48() rand48 { return rand48{x: 0x1234ABCD330E} }

// seed is redisSrand48: the low 16 bits fixed, the seed above them.
func (r *rand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

// next is redisLrand48: the top 31 bits of the next state.
func (r *rand48) next() int32 {
	r.x = (rand48A*r.x + rand48C) & rand48Mask
	return int32(r.x >> 17)
}
