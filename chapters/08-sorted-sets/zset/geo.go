package zset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/08-sorted-sets/geohash"
)

// RegisterGeo adds the GEO commands (Redis 7.0's geo.c) to s: positions
// live in sorted sets, each member's score the 52-bit geohash of its
// position, so GEOADD is a ZADD and every sorted set command works on
// them. They are a layer of their own over the sorted sets, taught with
// the other encodings built on existing types (bitmaps, HyperLogLog).
func (zc *Commands) RegisterGeo(s *server.Server) {
	s.Commands.Add(zc.geoTable()...)
}

func (zc *Commands) geoTable() []*server.Command {
	const w, r, oom, mk = server.Write, server.ReadOnly, server.DenyOOM, server.Movablekeys
	return []*server.Command{
		server.NewCommand("geoadd", -5, w|oom, 1, 1, 1, "geo", zc.geoadd),
		server.NewCommand("geodist", -4, r, 1, 1, 1, "geo", zc.geodist),
		server.NewCommand("geohash", -2, r, 1, 1, 1, "geo", zc.geohashCmd),
		server.NewCommand("geopos", -2, r, 1, 1, 1, "geo", zc.geopos),
		server.NewCommand("georadius", -6, w|oom|mk, 1, 1, 1, "geo", func(c *server.Client) { zc.search(c, 1, byCoords) }),
		server.NewCommand("georadius_ro", -6, r, 1, 1, 1, "geo", func(c *server.Client) { zc.search(c, 1, byCoords|noStore) }),
		server.NewCommand("georadiusbymember", -5, w|oom|mk, 1, 1, 1, "geo", func(c *server.Client) { zc.search(c, 1, byMember) }),
		server.NewCommand("georadiusbymember_ro", -5, r, 1, 1, 1, "geo", func(c *server.Client) { zc.search(c, 1, byMember|noStore) }),
		server.NewCommand("geosearch", -7, r, 1, 1, 1, "geo", func(c *server.Client) { zc.search(c, 1, geoSearch) }),
		server.NewCommand("geosearchstore", -8, w|oom, 1, 2, 1, "geo", func(c *server.Client) { zc.search(c, 2, geoSearch|geoSearchStore) }),
	}
}

// lonLat reads a longitude and a latitude (extractLongLatOrReply).
func lonLat(c *server.Client, args [][]byte) (lon, lat float64, ok bool) {
	if lon, ok = ParseScore(args[0]); !ok {
		c.W.Error(ErrNotFloat)
		return 0, 0, false
	}
	if lat, ok = ParseScore(args[1]); !ok {
		c.W.Error(ErrNotFloat)
		return 0, 0, false
	}
	if lon < geohash.LongMin || lon > geohash.LongMax || lat < geohash.LatMin || lat > geohash.LatMax {
		c.W.Error(fmt.Sprintf("ERR invalid longitude,latitude pair %s,%s", cFloat(lon), cFloat(lat)))
		return 0, 0, false
	}
	return lon, lat, true
}

// cFloat is C's "%f".
func cFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 6, 64)
	switch s {
	case "+Inf", "Inf":
		return "inf"
	case "-Inf":
		return "-inf"
	}
	return s
}

// GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD with
// each position's geohash as the score, which is also what the AOF gets.
func (zc *Commands) geoadd(c *server.Client) {
	i := 2
	nx, xx := false, false
	for ; i < len(c.Args); i++ {
		switch a := c.Args[i]; {
		case cmdarg.Is(a, "nx"):
			nx = true
		case cmdarg.Is(a, "xx"):
			xx = true
		case cmdarg.Is(a, "ch"):
		default:
			goto points
		}
	}
points:
	if (len(c.Args)-i)%3 != 0 || (nx && xx) {
		c.ErrSyntax()
		return
	}
	args := append([][]byte{[]byte("zadd")}, c.Args[1:i]...)
	for j := i; j < len(c.Args); j += 3 {
		lon, lat, ok := lonLat(c, c.Args[j:])
		if !ok {
			return
		}
		h, _ := geohash.EncodeWGS84(lon, lat, geohash.StepMax)
		args = append(args, strconv.AppendUint(nil, h.Align52(), 10), c.Args[j+2])
	}
	c.Args = args // replaceClientCommandVector: ZADD runs, and is propagated
	zc.zadd(c, false)
}

// unit reads m, km, ft or mi: meters per unit (extractUnitOrReply).
func unit(c *server.Client, arg []byte) (float64, bool) {
	switch {
	case cmdarg.Is(arg, "m"):
		return 1, true
	case cmdarg.Is(arg, "km"):
		return 1000, true
	case cmdarg.Is(arg, "ft"):
		return 0.3048, true
	case cmdarg.Is(arg, "mi"):
		return 1609.34, true
	}
	c.W.Error("ERR unsupported unit provided. please use M, KM, FT, MI")
	return 0, false
}

// writeDistance is addReplyDoubleDistance: "%.4f", a bulk string in
// both protocols.
func writeDistance(c *server.Client, d float64) {
	c.W.BulkString(strconv.FormatFloat(d, 'f', 4, 64))
}

// writeCoord is addReplyHumanLongDouble: 17 decimals, trailing zeros
// dropped; a bulk string in RESP2, a double in RESP3.
func writeCoord(c *server.Client, f float64) {
	s := strconv.FormatFloat(f, 'f', 17, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if c.W.Proto >= 3 {
		c.W.Raw([]byte("," + s + "\r\n"))
		return
	}
	c.W.BulkString(s)
}

// GEODIST key member1 member2 [unit]: nil unless both are there.
func (zc *Commands) geodist(c *server.Client) {
	toMeters := 1.0
	if len(c.Args) == 5 {
		var ok bool
		if toMeters, ok = unit(c, c.Args[4]); !ok {
			return
		}
	} else if len(c.Args) > 5 {
		c.ErrSyntax()
		return
	}
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	s1, ok1 := z.Score(c.Args[2])
	s2, ok2 := z.Score(c.Args[3])
	if !ok1 || !ok2 {
		c.W.Null()
		return
	}
	lon1, lat1 := geohash.FromScore(s1)
	lon2, lat2 := geohash.FromScore(s2)
	writeDistance(c, geohash.Distance(lon1, lat1, lon2, lat2)/toMeters)
}

// GEOPOS key [member ...]: each position, nil for a missing member.
func (zc *Commands) geopos(c *server.Client) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	eachPosition(c, z, c.W.NullArray, func(lon, lat float64) {
		c.W.Array(2)
		writeCoord(c, lon)
		writeCoord(c, lat)
	})
}

// eachPosition replies an array with one element per member named after
// the key (GEOPOS, GEOHASH): missing() for a member z lacks, found() with
// the decoded position for the others.
func eachPosition(c *server.Client, z *ZSet, missing func(), found func(lon, lat float64)) {
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		var score float64
		ok := false
		if z != nil {
			score, ok = z.Score(m)
		}
		if !ok {
			missing()
			continue
		}
		found(geohash.FromScore(score))
	}
}

const geoAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

// GEOHASH key [member ...]: the standard 11-character geohash of each
// position (re-encoded with latitudes from -90 to 90; the 11th character
// is always '0', the 52 bits only fill ten).
func (zc *Commands) geohashCmd(c *server.Client) {
	z, ok := zc.read(c, c.Args[1])
	if !ok {
		return
	}
	eachPosition(c, z, c.W.Null, func(lon, lat float64) {
		h, _ := geohash.EncodeStandard(lon, lat, geohash.StepMax)
		var buf [11]byte
		for i := 0; i < 10; i++ {
			buf[i] = geoAlphabet[h.Bits>>(52-(i+1)*5)&0x1f]
		}
		buf[10] = '0'
		c.W.Bulk(buf[:])
	})
}

// Kinds of GEORADIUS-family search (georadiusGeneric's flags).
const (
	byCoords       = 1 << iota // GEORADIUS: around longitude latitude
	byMember                   // GEORADIUSBYMEMBER: around a member
	noStore                    // the _RO variants: no STORE
	geoSearch                  // GEOSEARCH's arguments
	geoSearchStore             // GEOSEARCHSTORE: the destination comes first
)

// distance reads a radius and its unit (extractDistanceOrReply).
func distance(c *server.Client, args [][]byte) (radius, conversion float64, ok bool) {
	if radius, ok = ParseScore(args[0]); !ok {
		c.W.Error("ERR need numeric radius")
		return 0, 0, false
	}
	if radius < 0 {
		c.W.Error("ERR radius cannot be negative")
		return 0, 0, false
	}
	conversion, ok = unit(c, args[1])
	return radius, conversion, ok
}

// box reads a width, a height and their unit (extractBoxOrReply).
func box(c *server.Client, args [][]byte) (w, h, conversion float64, ok bool) {
	var okw, okh bool
	if w, okw = ParseScore(args[0]); !okw {
		c.W.Error("ERR need numeric width")
		return 0, 0, 0, false
	}
	if h, okh = ParseScore(args[1]); !okh {
		c.W.Error("ERR need numeric height")
		return 0, 0, 0, false
	}
	if h < 0 || w < 0 {
		c.W.Error("ERR height or width cannot be negative")
		return 0, 0, 0, false
	}
	conversion, ok = unit(c, args[2])
	return w, h, conversion, ok
}

// geoPoint is one match of a search.
type geoPoint struct {
	member   []byte
	lon, lat float64
	dist     float64 // meters, then the user's unit
	score    float64
}

// searchOptions are a search's optional arguments.
type searchOptions struct {
	withDist, withHash, withCoord bool
	any                           bool
	sort                          int // 0 none, 1 ascending, -1 descending
	count                         int64
	store                         []byte
	storeDist                     bool
}

// search is georadiusGeneric: GEORADIUS, GEORADIUSBYMEMBER, their _RO
// forms, GEOSEARCH and GEOSEARCHSTORE. The key is at src.
func (zc *Commands) search(c *server.Client, src int, flags int) {
	z, ok := zc.read(c, c.Args[src])
	if !ok {
		return
	}
	var shape geohash.Shape
	var base int
	var o searchOptions
	switch {
	case flags&byCoords != 0:
		base = 6
		if shape.Long, shape.Lat, ok = lonLat(c, c.Args[2:]); !ok {
			return
		}
		if shape.Radius, shape.Conversion, ok = distance(c, c.Args[4:]); !ok {
			return
		}
	case flags&byMember != 0:
		base = 5
		if z != nil {
			score, found := z.Score(c.Args[2])
			if !found {
				c.W.Error("ERR could not decode requested zset member")
				return
			}
			shape.Long, shape.Lat = geohash.FromScore(score)
			if shape.Radius, shape.Conversion, ok = distance(c, c.Args[3:]); !ok {
				return
			}
		}
	default:
		base = 2
		if flags&geoSearchStore != 0 {
			base = 3
			o.store = c.Args[1]
		}
	}
	fromMember, fromLoc, byRadius, byBox := false, false, false, false
	args := c.Args[base:]
	for i := 0; i < len(args); i++ {
		a, rest := args[i], len(args)-i-1
		switch {
		case cmdarg.Is(a, "withdist"):
			o.withDist = true
		case cmdarg.Is(a, "withhash"):
			o.withHash = true
		case cmdarg.Is(a, "withcoord"):
			o.withCoord = true
		case cmdarg.Is(a, "any"):
			o.any = true
		case cmdarg.Is(a, "asc"):
			o.sort = 1
		case cmdarg.Is(a, "desc"):
			o.sort = -1
		case cmdarg.Is(a, "count") && rest >= 1:
			n, ok := resp.ParseInt(args[i+1])
			if !ok {
				c.W.Error(cmdarg.ErrNotInt)
				return
			}
			if n <= 0 {
				c.W.Error("ERR COUNT must be > 0")
				return
			}
			o.count = n
			i++
		case (cmdarg.Is(a, "store") || cmdarg.Is(a, "storedist")) && rest >= 1 && flags&(noStore|geoSearch) == 0:
			o.store, o.storeDist = args[i+1], cmdarg.Is(a, "storedist")
			i++
		case cmdarg.Is(a, "storedist") && flags&geoSearchStore != 0:
			o.storeDist = true
		case cmdarg.Is(a, "frommember") && rest >= 1 && flags&geoSearch != 0 && !fromLoc:
			if z != nil {
				score, found := z.Score(args[i+1])
				if !found {
					c.W.Error("ERR could not decode requested zset member")
					return
				}
				shape.Long, shape.Lat = geohash.FromScore(score)
			}
			fromMember = true
			i++
		case cmdarg.Is(a, "fromlonlat") && rest >= 2 && flags&geoSearch != 0 && !fromMember:
			if shape.Long, shape.Lat, ok = lonLat(c, args[i+1:]); !ok {
				return
			}
			fromLoc = true
			i += 2
		case cmdarg.Is(a, "byradius") && rest >= 2 && flags&geoSearch != 0 && !byBox:
			if shape.Radius, shape.Conversion, ok = distance(c, args[i+1:]); !ok {
				return
			}
			shape.Box, byRadius = false, true
			i += 2
		case cmdarg.Is(a, "bybox") && rest >= 3 && flags&geoSearch != 0 && !byRadius:
			if shape.Width, shape.Height, shape.Conversion, ok = box(c, args[i+1:]); !ok {
				return
			}
			shape.Box, byBox = true, true
			i += 3
		default:
			c.ErrSyntax()
			return
		}
	}
	name := string(c.Args[0])
	switch {
	case o.store != nil && (o.withDist || o.withHash || o.withCoord):
		what := "STORE option in GEORADIUS"
		if flags&geoSearchStore != 0 {
			what = "GEOSEARCHSTORE"
		}
		c.W.Error("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
		return
	case flags&geoSearch != 0 && !fromMember && !fromLoc:
		c.W.Error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name)
		return
	case flags&geoSearch != 0 && !byRadius && !byBox:
		c.W.Error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name)
		return
	case o.any && o.count == 0:
		c.W.Error("ERR the ANY argument requires COUNT argument")
		return
	}
	if z == nil {
		if o.store != nil {
			c.W.Int(0)
			if zc.del(c, o.store) {
				c.Propagate()
			}
			return
		}
		c.W.Array(0)
		return
	}
	if o.count != 0 && o.sort == 0 && !o.any {
		o.sort = 1 // the closest COUNT
	}
	limit := 0
	if o.any {
		limit = int(min(o.count, 1<<31))
	}
	points := membersInShape(z, &shape, limit)
	if len(points) == 0 && o.store == nil {
		c.W.Array(0)
		return
	}
	n := len(points)
	if o.count != 0 && int64(n) > o.count {
		n = int(o.count)
	}
	if o.sort != 0 {
		slices.SortStableFunc(points, func(a, b geoPoint) int {
			switch {
			case a.dist > b.dist:
				return o.sort
			case a.dist < b.dist:
				return -o.sort
			}
			return 0
		})
	}
	points = points[:n]
	for i := range points {
		points[i].dist /= shape.Conversion
	}
	if o.store != nil {
		zc.storeSearch(c, o, points)
		return
	}
	zc.replySearch(c, o, points)
}

// membersInShape collects the members of z inside the shape, cell by
// cell in Redis's order (membersOfAllNeighbors), stopping at limit
// matches when limit > 0.
func membersInShape(z *ZSet, shape *geohash.Shape, limit int) []geoPoint {
	var out []geoPoint
	cells := shape.Cells()
	last := 0
	for i, cell := range cells {
		if cell.IsZero() {
			continue
		}
		// Neighbours may be the same cell for huge radii: skip a repeat
		// of the last cell read (Redis never compares with the first).
		if last != 0 && cell == cells[last] {
			continue
		}
		if len(out) > 0 && limit > 0 && len(out) >= limit {
			break
		}
		lo := cell.Align52()
		next := cell
		next.Bits++
		hi := next.Align52()
		r := ScoreRange{Min: float64(lo), Max: float64(hi), MaxEx: true}
		z.RangeByScore(r, false, 0, -1, func(m []byte, score float64) bool {
			lon, lat := geohash.FromScore(score)
			if d, in := shape.Contains(lon, lat); in {
				out = append(out, geoPoint{member: append([]byte(nil), m...), lon: lon, lat: lat, dist: d, score: score})
			}
			return !(len(out) > 0 && limit > 0 && len(out) >= limit)
		})
		last = i
	}
	return out
}

// replySearch writes the matches, with what WITHDIST, WITHHASH and
// WITHCOORD asked for.
func (zc *Commands) replySearch(c *server.Client, o searchOptions, points []geoPoint) {
	extra := 0
	for _, on := range []bool{o.withDist, o.withHash, o.withCoord} {
		if on {
			extra++
		}
	}
	c.W.Array(len(points))
	for _, p := range points {
		if extra > 0 {
			c.W.Array(extra + 1)
		}
		c.W.Bulk(p.member)
		if o.withDist {
			writeDistance(c, p.dist)
		}
		if o.withHash {
			c.W.Int(geohash.CInt64(p.score))
		}
		if o.withCoord {
			c.W.Array(2)
			writeCoord(c, p.lon)
			writeCoord(c, p.lat)
		}
	}
}

// storeSearch stores the matches in a sorted set (scores: their
// geohashes, or with STOREDIST their distances), or deletes the
// destination when there are none. The command is propagated as it came.
func (zc *Commands) storeSearch(c *server.Client, o searchOptions, points []geoPoint) {
	c.W.Int(int64(len(points)))
	if len(points) == 0 {
		if zc.del(c, o.store) {
			c.Propagate()
		}
		return
	}
	out := NewSkiplist()
	for _, p := range points {
		s := p.score
		if o.storeDist {
			s = p.dist
		}
		out.Add(p.member, s, AddFlags{}, zc.Limits)
	}
	out.Shrink(zc.Limits)
	zc.ks.DB(c).Set(o.store, out, zc.ks.Now())
	c.Propagate()
}
