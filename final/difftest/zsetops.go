package difftest

import "strconv"

// zsetSources is the numkeys and keys of a ZUNION-family command: sorted
// sets, now and then a set (scores 1) or any key, and sometimes a
// numkeys Redis refuses.
func (g *Gen) zsetSources() []string {
	keys := make([]string, 1+g.R.IntN(3))
	for i := range keys {
		if g.Chance(4) {
			keys[i] = g.TypedKey("s")
		} else {
			keys[i] = g.TypedKey("z")
		}
	}
	numkeys := strconv.Itoa(len(keys))
	if g.Chance(10) {
		numkeys = g.Pick("0", "-1", "9", "x")
	}
	return append([]string{numkeys}, keys...)
}

// weightsAggregate appends WEIGHTS and AGGREGATE, sometimes.
func (g *Gen) weightsAggregate(args []string, nkeys int) []string {
	if g.Chance(3) {
		args = append(args, "WEIGHTS")
		for i := 0; i < nkeys; i++ {
			args = append(args, g.Pick("1", "2", "0", "-1", "0.5", "inf", "x"))
		}
	}
	if g.Chance(3) {
		args = append(args, "AGGREGATE", g.Pick("SUM", "MIN", "MAX", "max", "AVG"))
	}
	return args
}

// ZSetAlgebraOps are ZUNION, ZINTER, ZDIFF, ZDIFFSTORE, ZINTERCARD,
// ZRANGESTORE, ZMPOP and BZMPOP. Their replies are in score order, ties
// by member, and compare byte for byte.
var ZSetAlgebraOps = []Op{
	{"zunion", 4, func(g *Gen) []string {
		src := g.zsetSources()
		args := append(cmd(g.Pick("ZUNION", "ZINTER", "ZDIFF")), src...)
		if args[0] != "ZDIFF" || g.Chance(8) {
			args = g.weightsAggregate(args, len(src)-1)
		}
		if g.Chance(2) {
			args = append(args, g.Pick("WITHSCORES", "withscores", "LIMIT"))
		}
		return args
	}, nil},
	{"zdiffstore", 3, func(g *Gen) []string {
		args := append(cmd("ZDIFFSTORE", g.TypedKey("z")), g.zsetSources()...)
		if g.Chance(10) {
			args = append(args, g.Pick("WITHSCORES", "WEIGHTS"))
		}
		return args
	}, nil},
	{"zintercard", 2, func(g *Gen) []string {
		args := append(cmd("ZINTERCARD"), g.zsetSources()...)
		if g.Chance(2) {
			args = append(args, "LIMIT", g.Pick("0", "1", "2", "-1", "x"))
		}
		if g.Chance(12) {
			args = append(args, g.Pick("WITHSCORES", "AGGREGATE"))
		}
		return args
	}, nil},
	{"zrangestore", 4, func(g *Gen) []string {
		return zrangeArgs(g, cmd("ZRANGESTORE", g.TypedKey("z"), g.TypedKey("z")), 2)
	}, nil},
	{"zmpop", 3, func(g *Gen) []string {
		keys := g.TypedKeys("z", 3)
		numkeys := strconv.Itoa(len(keys))
		if g.Chance(10) {
			numkeys = g.Pick("0", "-1", "9", "x")
		}
		args := append(append(cmd("ZMPOP", numkeys), keys...), g.Pick("MIN", "MAX", "max", "MIDDLE"))
		if g.Chance(2) {
			args = append(args, "COUNT", g.Count())
		}
		return args
	}, nil},
	{"bzmpop", 1, func(g *Gen) []string {
		keys := g.TypedKeys("z", 2)
		args := append(append(cmd("BZMPOP", g.blockTimeout(), strconv.Itoa(len(keys))), keys...), g.Pick("MIN", "MAX"))
		if g.Chance(2) {
			args = append(args, "COUNT", g.Count())
		}
		return args
	}, nil},
}

// zrangeArgs appends a ZRANGE-style range to args (by index, score or lex;
// for BYLEX the source key, at position src, becomes a lex key) and up to
// two options. WITHSCORES is valid for ZRANGE and an error for
// ZRANGESTORE: both servers must agree either way.
func zrangeArgs(g *Gen, args []string, src int) []string {
	switch g.R.IntN(3) {
	case 0:
		args = append(args, g.Index(), g.Index())
	case 1:
		args = append(args, g.ScoreBound(), g.ScoreBound(), "BYSCORE")
	default:
		args[src] = g.LexKey()
		args = append(args, g.LexBound(), g.LexBound(), "BYLEX")
	}
	for n := g.R.IntN(3); n > 0; n-- {
		switch g.R.IntN(4) {
		case 0:
			args = append(args, "REV")
		case 1:
			args = append(args, "WITHSCORES")
		case 2:
			args = append(args, "LIMIT", g.Pick("0", "1", "-1"), g.Pick("1", "2", "-1", "0"))
		default:
			args = append(args, g.Pick("BYSCORE", "LIMIT", "FOO"))
		}
	}
	return args
}
