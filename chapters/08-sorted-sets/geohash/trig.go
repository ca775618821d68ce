package geohash

import "math"

// The trigonometry of the distances. Redis calls glibc's sin, cos and
// asin, which round to the nearest double in all but rare cases; Go's
// math package is often one unit in the last place away, and that shows
// in the 17 digits of a STOREDIST score. So these compute in
// double-double arithmetic (about 106 bits) and round once at the end.

// dd is an unevaluated sum hi+lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func (a dd) add(b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func (a dd) neg() dd { return dd{-a.hi, -a.lo} }

func (a dd) mul(b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) mulf(b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += a.lo * b
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) div(b dd) dd {
	q1 := a.hi / b.hi
	r := a.add(b.mulf(q1).neg())
	q2 := r.hi / b.hi
	r = r.add(b.mulf(q2).neg())
	q3 := r.hi / b.hi
	return quickTwoSum(q1, q2).add(dd{q3, 0})
}

// piOver2 is pi/2 to about 160 bits, in three parts.
var piOver2 = [3]float64{1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33}

// reduce returns r = x - k*pi/2 with |r| <= pi/4 (for |x| up to a few
// pi, which is all the distances need), and k mod 4.
func reduce(x float64) (dd, int) {
	k := math.Round(x / piOver2[0])
	r := twoSum(x, -k*piOver2[0]) // k*piOver2[0] is exact for small k
	r = r.add(twoProd(-k, piOver2[1]))
	r = r.add(dd{-k * piOver2[2], 0})
	return r, int(k) & 3
}

// sinCosTaylor returns sin(r) and cos(r) for |r| <= pi/4.
func sinCosTaylor(r dd) (s, c dd) {
	r2 := r.mul(r)
	// sin r = r - r^3/3! + ...; cos r = 1 - r^2/2! + ...
	term := r
	s = r
	for n := 2.0; n < 40; n += 2 {
		term = term.mul(r2).div(dd{-n * (n + 1), 0})
		s = s.add(term)
		if math.Abs(term.hi) < 1e-40 {
			break
		}
	}
	term = dd{1, 0}
	c = term
	for n := 1.0; n < 40; n += 2 {
		term = term.mul(r2).div(dd{-n * (n + 1), 0})
		c = c.add(term)
		if math.Abs(term.hi) < 1e-40 {
			break
		}
	}
	return s, c
}

func sinCosDD(x float64) (s, c dd) {
	r, k := reduce(x)
	s, c = sinCosTaylor(r)
	switch k {
	case 1:
		s, c = c, s.neg()
	case 2:
		s, c = s.neg(), c.neg()
	case 3:
		s, c = c.neg(), s
	}
	return s, c
}

func sin(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
		return math.Sin(x)
	}
	s, _ := sinCosDD(x)
	return s.hi + s.lo
}

func cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e6 {
		return math.Cos(x)
	}
	_, c := sinCosDD(x)
	return c.hi + c.lo
}

// asin refines Go's asin with one Newton step on sin(y) = x in
// double-double.
func asin(x float64) float64 {
	y := math.Asin(x)
	if x == 0 || math.IsNaN(y) || math.Abs(x) == 1 {
		return y
	}
	s, c := sinCosDD(y)
	if c.hi == 0 {
		return y
	}
	d := s.add(dd{-x, 0}).div(c)
	r := dd{y, 0}.add(d.neg())
	return r.hi + r.lo
}
