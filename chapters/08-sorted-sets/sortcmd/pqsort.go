package sortcmd

// partialSort orders v[left..right] (inclusive) as Redis's pqsort does
// (NetBSD's qsort, Bentley and McIlroy's "Engineering a Sort Function",
// that only recurses into the parts overlapping the wanted range).
// SORT ... BY pattern LIMIT uses it, and it is not stable: elements
// the comparison calls equal come out in the order this algorithm
// leaves them, so it is followed step for step to give Redis's order.
func partialSort[T any](v []T, cmp func(a, b *T) int, left, right int) {
	ps := &pqsorter[T]{v: v, cmp: cmp, left: left, right: right}
	ps.sort(0, len(v))
}

type pqsorter[T any] struct {
	v           []T
	cmp         func(a, b *T) int
	left, right int // the range wanted sorted, inclusive
}

func (ps *pqsorter[T]) less(i, j int) int { return ps.cmp(&ps.v[i], &ps.v[j]) }

func (ps *pqsorter[T]) swap(i, j int) { ps.v[i], ps.v[j] = ps.v[j], ps.v[i] }

// vecswap exchanges the n elements from i with the n from j.
func (ps *pqsorter[T]) vecswap(i, j, n int) {
	for k := 0; k < n; k++ {
		ps.swap(i+k, j+k)
	}
}

// med3 is the index of the median of three.
func (ps *pqsorter[T]) med3(a, b, c int) int {
	if ps.less(a, b) < 0 {
		switch {
		case ps.less(b, c) < 0:
			return b
		case ps.less(a, c) < 0:
			return c
		}
		return a
	}
	switch {
	case ps.less(b, c) > 0:
		return b
	case ps.less(a, c) < 0:
		return a
	}
	return c
}

func (ps *pqsorter[T]) insertion(a, n int) {
	for m := a + 1; m < a+n; m++ {
		for l := m; l > a && ps.less(l-1, l) > 0; l-- {
			ps.swap(l, l-1)
		}
	}
}

// wanted reports whether v[a:a+n] holds part of the wanted range.
func (ps *pqsorter[T]) wanted(a, n int) bool {
	end := a + n
	return !((ps.left < a && ps.right < a) || (ps.left >= end && ps.right >= end))
}

// sort sorts v[a:a+n]: a three-way partition around a median pivot,
// recursing into the smaller-index part and looping on the other.
func (ps *pqsorter[T]) sort(a, n int) {
	for {
		if n < 7 {
			ps.insertion(a, n)
			return
		}
		pm := a + n/2
		if n > 7 {
			pl, pn := a, a+n-1
			if n > 40 {
				d := n / 8
				pl = ps.med3(pl, pl+d, pl+2*d)
				pm = ps.med3(pm-d, pm, pm+d)
				pn = ps.med3(pn-2*d, pn-d, pn)
			}
			pm = ps.med3(pl, pm, pn)
		}
		ps.swap(a, pm)
		pa, pb := a+1, a+1
		pc, pd := a+n-1, a+n-1
		swapped := false
		for {
			for pb <= pc {
				r := ps.less(pb, a)
				if r > 0 {
					break
				}
				if r == 0 {
					swapped = true
					ps.swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := ps.less(pc, a)
				if r < 0 {
					break
				}
				if r == 0 {
					swapped = true
					ps.swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			ps.swap(pb, pc)
			swapped = true
			pb++
			pc--
		}
		if !swapped { // already in order around the pivot
			ps.insertion(a, n)
			return
		}
		pn := a + n
		r := min(pa-a, pb-pa)
		ps.vecswap(a, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		ps.vecswap(pb, pn-r, r)
		if r := pb - pa; r > 1 && ps.wanted(a, r) {
			ps.sort(a, r)
		}
		r = pd - pc
		if r <= 1 {
			return
		}
		a, n = pn-r, r
		if !ps.wanted(a, n) {
			return
		}
	}
}

// stableSort is a stable sort by cmp: glibc's qsort, a top-down merge
// sort through a buffer (msort), moving each element O(log n) times.
func stableSort[T any](v []T, cmp func(a, b *T) int) {
	if len(v) < 2 {
		return
	}
	mergeSort(v, make([]T, len(v)), cmp)
}

func mergeSort[T any](v, tmp []T, cmp func(a, b *T) int) {
	n := len(v)
	if n < 2 {
		return
	}
	half := n / 2
	mergeSort(v[:half], tmp, cmp)
	mergeSort(v[half:], tmp, cmp)
	i, j, k := 0, half, 0
	for i < half && j < n {
		if cmp(&v[i], &v[j]) <= 0 {
			tmp[k] = v[i]
			i++
		} else {
			tmp[k] = v[j]
			j++
		}
		k++
	}
	k += copy(tmp[k:], v[i:half])
	copy(v, tmp[:k]) // what is left of the right half is in place
}
