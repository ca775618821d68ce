// Package geohash is the geometry under Redis 7.0's GEO commands
// (geohash.c, geohash_helper.c): the 52-bit interleaved geohash a member's
// score holds, the cell and its eight neighbours a search walks, and the
// haversine distance on Redis's earth. Every step follows the C code's
// arithmetic, so the same inputs give the same cells, the same members
// and the same digits.
package geohash

import "math"

// Limits of the coordinates a geohash can hold: the Web Mercator square.
const (
	LatMin  = -85.05112878
	LatMax  = 85.05112878
	LongMin = -180.0
	LongMax = 180.0

	// StepMax is the precision of a stored position: 26 bits per axis.
	StepMax = 26

	// EarthRadius is the radius, in meters, Redis measures distances on.
	EarthRadius = 6372797.560856

	mercatorMax = 20037726.37
	degToRad    = 0.017453292519943295769236907684886
)

// Bits is a geohash of step bits per axis: latitude in the even bits,
// longitude in the odd bits.
type Bits struct {
	Bits uint64
	Step uint8
}

// IsZero reports an empty cell (a neighbour a search leaves out).
func (h Bits) IsZero() bool { return h.Bits == 0 && h.Step == 0 }

// Range is an interval of one coordinate.
type Range struct{ Min, Max float64 }

// Area is a geohash cell.
type Area struct {
	Hash      Bits
	Long, Lat Range
}

// WGS84 ranges: what GEOADD stores positions in.
var (
	wgsLong = Range{LongMin, LongMax}
	wgsLat  = Range{LatMin, LatMax}
)

// spread puts the 32 bits of v in the even bits of the result.
func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

// squash is spread's inverse: the even bits of x.
func squash(x uint64) uint32 {
	x &= 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0F0F0F0F0F0F0F0F
	x = (x | x>>4) & 0x00FF00FF00FF00FF
	x = (x | x>>8) & 0x0000FFFF0000FFFF
	x = (x | x>>16) & 0x00000000FFFFFFFF
	return uint32(x)
}

// Encode is geohashEncode: the cell of step bits per axis holding the
// point in the given ranges; ok is false outside them (or outside the
// Mercator limits).
func Encode(long, lat Range, longitude, latitude float64, step uint8) (Bits, bool) {
	if longitude > LongMax || longitude < LongMin || latitude > LatMax || latitude < LatMin {
		return Bits{}, false
	}
	if latitude < lat.Min || latitude > lat.Max || longitude < long.Min || longitude > long.Max {
		return Bits{Step: step}, false
	}
	latOff := (latitude - lat.Min) / (lat.Max - lat.Min)
	longOff := (longitude - long.Min) / (long.Max - long.Min)
	latOff *= float64(uint64(1) << step)
	longOff *= float64(uint64(1) << step)
	return Bits{Bits: spread(uint32(latOff)) | spread(uint32(longOff))<<1, Step: step}, true
}

// EncodeWGS84 encodes a position as GEOADD stores it.
func EncodeWGS84(longitude, latitude float64, step uint8) (Bits, bool) {
	return Encode(wgsLong, wgsLat, longitude, latitude, step)
}

// EncodeStandard encodes with latitudes from -90 to 90, the ranges of
// the usual geohash strings (GEOHASH).
func EncodeStandard(longitude, latitude float64, step uint8) (Bits, bool) {
	return Encode(Range{-180, 180}, Range{-90, 90}, longitude, latitude, step)
}

// Align52 is the cell's first 52-bit hash: the score of its first point.
func (h Bits) Align52() uint64 { return h.Bits << (52 - 2*uint(h.Step)) }

// Decode is geohashDecode: the cell h is in the given ranges.
func Decode(long, lat Range, h Bits) Area {
	ilat, ilong := squash(h.Bits), squash(h.Bits>>1)
	latScale, longScale := lat.Max-lat.Min, long.Max-long.Min
	cells := float64(uint64(1) << h.Step)
	return Area{
		Hash: h,
		Lat: Range{
			lat.Min + float64(float64(ilat)*1.0/cells*latScale),
			lat.Min + float64((float64(ilat)+1)*1.0/cells*latScale),
		},
		Long: Range{
			long.Min + float64(float64(ilong)*1.0/cells*longScale),
			long.Min + float64((float64(ilong)+1)*1.0/cells*longScale),
		},
	}
}

// DecodeWGS84 is Decode in GEOADD's ranges.
func DecodeWGS84(h Bits) Area { return Decode(wgsLong, wgsLat, h) }

// Center is the middle of the cell, clamped to the limits
// (geohashDecodeAreaToLongLat): the position GEOPOS reports.
func (a Area) Center() (longitude, latitude float64) {
	x := (a.Long.Min + a.Long.Max) / 2
	x = min(max(x, LongMin), LongMax)
	y := (a.Lat.Min + a.Lat.Max) / 2
	y = min(max(y, LatMin), LatMax)
	return x, y
}

// FromScore is the position a sorted-set score stands for: the center of
// its 52-bit cell (decodeGeohash). The score goes to an integer the way
// C converts a double to uint64 on x86-64, so any score decodes to
// something, as in Redis.
func FromScore(score float64) (longitude, latitude float64) {
	return DecodeWGS84(Bits{Bits: cUint64(score), Step: StepMax}).Center()
}

// cUint64 is (uint64_t)f as gcc compiles it for x86-64: values below
// 2^63 through a signed conversion (out of range gives 1<<63), the rest
// shifted by 2^63 first.
func cUint64(f float64) uint64 {
	if f < 1<<63 {
		return uint64(CInt64(f))
	}
	return uint64(CInt64(f-(1<<63))) ^ 1<<63
}

// CInt64 is (long long)f on x86-64: truncation, with 1<<63 for NaN and
// values out of range (what cvttsd2si gives).
func CInt64(f float64) int64 {
	if !(f >= -(1<<63) && f < 1<<63) { // NaN fails both

		return math.MinInt64
	}
	return int64(f)
}

// moveX and moveY step a cell to a neighbour (geohash_move_x/_y): the
// axis's bits are incremented or decremented across the interleaving.
func moveX(h *Bits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - 2*uint(h.Step))
	if d > 0 {
		x += zz + 1
	} else {
		x |= zz
		x -= zz + 1
	}
	x &= 0xaaaaaaaaaaaaaaaa >> (64 - 2*uint(h.Step))
	h.Bits = x | y
}

func moveY(h *Bits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - 2*uint(h.Step))
	if d > 0 {
		y += zz + 1
	} else {
		y |= zz
		y -= zz + 1
	}
	y &= 0x5555555555555555 >> (64 - 2*uint(h.Step))
	h.Bits = x | y
}

// Neighbors are the eight cells around one.
type Neighbors struct {
	North, South, East, West                   Bits
	NorthEast, SouthEast, NorthWest, SouthWest Bits
}

// neighbors is geohashNeighbors.
func neighbors(h Bits) Neighbors {
	at := func(dx, dy int) Bits {
		n := h
		moveX(&n, dx)
		moveY(&n, dy)
		return n
	}
	return Neighbors{
		East: at(1, 0), West: at(-1, 0), South: at(0, -1), North: at(0, 1),
		NorthWest: at(-1, 1), SouthWest: at(-1, -1), NorthEast: at(1, 1), SouthEast: at(1, -1),
	}
}

// stepsForRadius is geohashEstimateStepsByRadius: the coarsest cells
// that still keep a search of that radius within a cell and its
// neighbours (fewer bits near the poles, where cells narrow).
func stepsForRadius(meters, lat float64) uint8 {
	if meters == 0 {
		return 26
	}
	step := 1
	for meters < mercatorMax {
		meters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	return uint8(min(max(step, 1), 26))
}

func degRad(d float64) float64 { return d * degToRad }
func radDeg(r float64) float64 { return r / degToRad }

// Shape is what a search covers: a circle of Radius meters, or a box of
// Width by Height meters, around (Long, Lat). Redis keeps the sizes in
// the user's unit and multiplies by Conversion (meters per unit) where
// it uses them; Shape does the same, for the same roundings.
type Shape struct {
	Long, Lat     float64
	Box           bool
	Radius        float64
	Width, Height float64
	Conversion    float64
}

// bounds is geohashBoundingBox: min long, min lat, max long, max lat.
func (s *Shape) bounds() (minLong, minLat, maxLong, maxLat float64) {
	height, width := s.Radius, s.Radius
	if s.Box {
		height, width = s.Height/2, s.Width/2
	}
	height *= s.Conversion
	width *= s.Conversion
	latDelta := radDeg(height / EarthRadius)
	longDeltaTop := radDeg(width / EarthRadius / cos(degRad(s.Lat+latDelta)))
	longDeltaBottom := radDeg(width / EarthRadius / cos(degRad(s.Lat-latDelta)))
	if s.Lat < 0 {
		return s.Long - longDeltaBottom, s.Lat - latDelta, s.Long + longDeltaBottom, s.Lat + latDelta
	}
	return s.Long - longDeltaTop, s.Lat - latDelta, s.Long + longDeltaTop, s.Lat + latDelta
}

// Cells returns the cells a search of s reads, in the order Redis reads
// them: the center's cell, then north, south, east, west, north-east,
// north-west, south-east, south-west, with the zero Bits for those that
// cannot hold a match (geohashCalculateAreasByShapeWGS84).
func (s *Shape) Cells() [9]Bits {
	minLong, minLat, maxLong, maxLat := s.bounds()
	meters := s.Radius
	if s.Box {
		meters = math.Sqrt(float64(s.Width/2*(s.Width/2)) + float64(s.Height/2*(s.Height/2)))
	}
	meters *= s.Conversion
	steps := stepsForRadius(meters, s.Lat)
	hash, _ := EncodeWGS84(s.Long, s.Lat, steps)
	nb := neighbors(hash)
	area := DecodeWGS84(hash)

	// Cells near the edge of the search may be too small to cover it
	// with their neighbours: then use cells twice as large.
	north, south := DecodeWGS84(nb.North), DecodeWGS84(nb.South)
	east, west := DecodeWGS84(nb.East), DecodeWGS84(nb.West)
	decrease := north.Lat.Max < maxLat || south.Lat.Min > minLat ||
		east.Long.Max < maxLong || west.Long.Min > minLong
	if steps > 1 && decrease {
		steps--
		hash, _ = EncodeWGS84(s.Long, s.Lat, steps)
		nb = neighbors(hash)
		area = DecodeWGS84(hash)
	}
	// Leave out the neighbours the search does not reach.
	if steps >= 2 {
		if area.Lat.Min < minLat {
			nb.South, nb.SouthWest, nb.SouthEast = Bits{}, Bits{}, Bits{}
		}
		if area.Lat.Max > maxLat {
			nb.North, nb.NorthEast, nb.NorthWest = Bits{}, Bits{}, Bits{}
		}
		if area.Long.Min < minLong {
			nb.West, nb.SouthWest, nb.NorthWest = Bits{}, Bits{}, Bits{}
		}
		if area.Long.Max > maxLong {
			nb.East, nb.SouthEast, nb.NorthEast = Bits{}, Bits{}, Bits{}
		}
	}
	return [9]Bits{hash, nb.North, nb.South, nb.East, nb.West, nb.NorthEast, nb.NorthWest, nb.SouthEast, nb.SouthWest}
}

// Contains reports whether a point is in the shape, and its distance
// from the center in meters (geoWithinShape).
func (s *Shape) Contains(longitude, latitude float64) (float64, bool) {
	if !s.Box {
		d := Distance(s.Long, s.Lat, longitude, latitude)
		return d, d <= s.Radius*s.Conversion
	}
	width, height := s.Width*s.Conversion, s.Height*s.Conversion
	if latDistance(latitude, s.Lat) > height/2 {
		return 0, false
	}
	if Distance(longitude, latitude, s.Long, latitude) > width/2 {
		return 0, false
	}
	return Distance(s.Long, s.Lat, longitude, latitude), true
}

func latDistance(lat1, lat2 float64) float64 {
	return EarthRadius * math.Abs(degRad(lat2)-degRad(lat1))
}

// Distance is the haversine distance in meters (geohashGetDistance).
func Distance(long1, lat1, long2, lat2 float64) float64 {
	lon1r, lon2r := degRad(long1), degRad(long2)
	v := sin((lon2r - lon1r) / 2)
	if v == 0 {
		return latDistance(lat1, lat2)
	}
	lat1r, lat2r := degRad(lat1), degRad(lat2)
	u := sin((lat2r - lat1r) / 2)
	a := float64(u*u) + float64(float64(float64(cos(lat1r)*cos(lat2r))*v)*v)
	return 2.0 * EarthRadius * asin(math.Sqrt(a))
}
