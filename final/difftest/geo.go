package difftest

import (
	"math"
	"strconv"
	"strings"
)

// places are the positions geo members take: member m<i> is always at
// places[i], so two members never share a position (a search's order
// among equal distances is its own business) and GEOADD of a member
// again is a no-op or a move back. A few sit at the edges of the
// Mercator square.
var places = [][2]string{
	{"13.361389", "38.115556"}, {"15.087269", "37.502669"}, {"12.758489", "38.788135"},
	{"17.241510", "38.788135"}, {"13.583333", "37.316667"}, {"14.55", "38.05"},
	{"2.3522", "48.8566"}, {"-0.1276", "51.5072"}, {"12.4964", "41.9028"},
	{"-73.9857", "40.7484"}, {"139.6917", "35.6895"}, {"-179.9", "0.5"},
	{"179.95", "-84.9"}, {"0", "0"}, {"-180", "85.05112878"}, {"151.2093", "-33.8688"},
}

// GeoKey is a geo key (g0..g2), sometimes another key.
func (g *Gen) GeoKey() string { return g.TypedKey("g") }

// GeoMember is a member name, usually one with a place.
func (g *Gen) GeoMember() string {
	if g.Chance(10) {
		return g.Pick("nosuch", "", "a")
	}
	return "m" + strconv.Itoa(g.R.IntN(len(places)))
}

// LonLat is a search center: a place, near one, or invalid.
func (g *Gen) LonLat() []string {
	switch g.R.IntN(12) {
	case 0:
		return cmd(g.Pick("181", "-180.5", "x", "10", "inf"), g.Pick("86", "0", "nan", ""))
	case 1, 2:
		p := places[g.R.IntN(len(places))]
		return cmd(p[0], p[1])
	}
	return cmd(strconv.Itoa(g.R.IntN(40)-10)+"."+strconv.Itoa(g.R.IntN(100)), strconv.Itoa(g.R.IntN(30)+25)+"."+strconv.Itoa(g.R.IntN(100)))
}

// Radius is a distance and unit; now and then one Redis refuses.
func (g *Gen) Radius() []string {
	if g.Chance(12) {
		return cmd(g.Pick("-1", "x", "", "1e400", "0"), g.Pick("km", "parsec", "M"))
	}
	return cmd(g.Pick("0.5", "10", "100", "200", "300", "1000", "5000", "20000", "150000"), g.Pick("km", "km", "m", "mi", "ft", "KM"))
}

// geoOptions are the optional search arguments, in random order.
func geoOptions(g *Gen) []string {
	var out []string
	for n := g.R.IntN(4); n > 0; n-- {
		switch g.R.IntN(8) {
		case 0:
			out = append(out, g.Pick("WITHDIST", "withdist"))
		case 1:
			out = append(out, "WITHCOORD")
		case 2:
			out = append(out, "WITHHASH")
		case 3:
			out = append(out, g.Pick("ASC", "DESC", "desc"))
		case 4, 5:
			out = append(out, "COUNT", g.Count())
		case 6:
			out = append(out, "ANY")
		default:
			out = append(out, g.Pick("FOO", "COUNT"))
		}
	}
	return out
}

// geoStoreKey is where searches store: gd0 or gd1, read back by the
// geostored row only.
func (g *Gen) geoStoreKey() string { return "gd" + strconv.Itoa(g.R.IntN(2)) }

// geoFrom and geoBy are GEOSEARCH's center and shape, sometimes missing,
// doubled or conflicting.
func geoFrom(g *Gen) []string {
	switch g.R.IntN(10) {
	case 0:
		return nil
	case 1:
		return append(cmd("FROMMEMBER", g.GeoMember(), "FROMLONLAT"), g.LonLat()...)
	case 2, 3, 4:
		return cmd("FROMMEMBER", g.GeoMember())
	}
	return append(cmd(g.Pick("FROMLONLAT", "fromlonlat")), g.LonLat()...)
}

func geoBy(g *Gen) []string {
	switch g.R.IntN(10) {
	case 0:
		return nil
	case 1:
		return append(append(cmd("BYRADIUS"), g.Radius()...), "BYBOX", "1", "1", "km")
	case 2, 3, 4, 5:
		r := g.Radius()
		w := g.Pick("20", "200", "500", "3000", "-1", "x")
		return cmd("BYBOX", r[0], w, r[1])
	}
	return append(cmd(g.Pick("BYRADIUS", "byradius")), g.Radius()...)
}

// GeoOps are the GEO commands.
var GeoOps = []Op{
	{"geoadd", 8, func(g *Gen) []string {
		args := cmd("GEOADD", g.GeoKey())
		for n := g.R.IntN(3); n > 0; n-- {
			args = append(args, g.Pick("NX", "XX", "CH", "ch", "GT"))
		}
		for n := 1 + g.R.IntN(4); n > 0; n-- {
			i := g.R.IntN(len(places))
			lon, lat := places[i][0], places[i][1]
			if g.Chance(20) {
				lon, lat = g.Pick("181", "x", "-180", "1"), g.Pick("85.06", "0", "-90", "")
			}
			args = append(args, lon, lat, "m"+strconv.Itoa(i))
		}
		if g.Chance(20) {
			args = args[:len(args)-1]
		}
		return args
	}, nil},
	{"geopos", 3, func(g *Gen) []string {
		args := cmd("GEOPOS", g.GeoKey())
		for n := g.R.IntN(4); n > 0; n-- {
			args = append(args, g.GeoMember())
		}
		return args
	}, nil},
	{"geohash", 3, func(g *Gen) []string {
		args := cmd("GEOHASH", g.GeoKey())
		for n := g.R.IntN(4); n > 0; n-- {
			args = append(args, g.GeoMember())
		}
		return args
	}, nil},
	{"geodist", 3, func(g *Gen) []string {
		args := cmd("GEODIST", g.GeoKey(), g.GeoMember(), g.GeoMember())
		if g.Chance(2) {
			args = append(args, g.Pick("m", "km", "mi", "ft", "FT", "yd"))
		}
		if g.Chance(20) {
			args = append(args, "km")
		}
		return args
	}, nil},
	{"georadius", 4, func(g *Gen) []string {
		name := g.Pick("GEORADIUS", "GEORADIUS_RO")
		args := append(append(cmd(name, g.GeoKey()), g.LonLat()...), g.Radius()...)
		args = append(args, geoOptions(g)...)
		if g.Chance(4) {
			args = append(args, g.Pick("STORE", "STOREDIST"), g.geoStoreKey())
		}
		return args
	}, nil},
	{"georadiusbymember", 4, func(g *Gen) []string {
		name := g.Pick("GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO")
		args := append(cmd(name, g.GeoKey(), g.GeoMember()), g.Radius()...)
		args = append(args, geoOptions(g)...)
		if g.Chance(4) {
			args = append(args, g.Pick("STORE", "STOREDIST"), g.geoStoreKey())
		}
		return args
	}, nil},
	{"geosearch", 6, func(g *Gen) []string {
		args := append(append(cmd("GEOSEARCH", g.GeoKey()), geoFrom(g)...), geoBy(g)...)
		args = append(args, geoOptions(g)...)
		if g.Chance(15) {
			args = append(args, "STOREDIST")
		}
		return args
	}, nil},
	{"geosearchstore", 3, func(g *Gen) []string {
		args := append(append(cmd("GEOSEARCHSTORE", g.geoStoreKey(), g.GeoKey()), geoFrom(g)...), geoBy(g)...)
		if g.Chance(2) {
			args = append(args, "STOREDIST")
		}
		if g.Chance(3) {
			args = append(args, "COUNT", g.Count())
			if g.Chance(2) {
				args = append(args, "ANY")
			}
		}
		if g.Chance(15) {
			args = append(args, "WITHDIST")
		}
		return args
	}, nil},
	// What the searches stored. A distance's last digit may differ: glibc's
	// sin and cos are off by one unit in the last place for about one
	// argument in a thousand, where gocache rounds correctly.
	{"geostored", 3, func(g *Gen) []string {
		return cmd("ZRANGE", g.geoStoreKey(), "0", "-1", "WITHSCORES")
	}, sameNumbers},
}

// sameNumbers compares two replies token by token, taking numbers equal
// within a relative 1e-14.
func sameNumbers(got, want string) bool {
	if got == want {
		return true
	}
	g, w := strings.Split(got, "\r\n"), strings.Split(want, "\r\n")
	if len(g) != len(w) {
		return false
	}
	for i := range g {
		if g[i] == w[i] || (strings.HasPrefix(g[i], "$") && strings.HasPrefix(w[i], "$")) {
			continue // a bulk's length may differ with its number's digits
		}
		a, err1 := strconv.ParseFloat(strings.TrimPrefix(g[i], ","), 64)
		b, err2 := strconv.ParseFloat(strings.TrimPrefix(w[i], ","), 64)
		if err1 != nil || err2 != nil || math.Abs(a-b) > 1e-14*math.Abs(b) {
			return false
		}
	}
	return true
}
