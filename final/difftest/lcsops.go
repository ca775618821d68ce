package difftest

// LCSOps is LCS over the string keys, with its options in any order and
// now and then a bad one.
var LCSOps = []Op{
	{"lcs", 3, func(g *Gen) []string {
		args := cmd("LCS", g.Key(), g.Key())
		for n := g.R.IntN(4); n > 0; n-- {
			switch g.R.IntN(6) {
			case 0, 1:
				args = append(args, g.Pick("IDX", "idx"))
			case 2:
				args = append(args, "LEN")
			case 3:
				args = append(args, "WITHMATCHLEN")
			case 4:
				args = append(args, "MINMATCHLEN", g.Pick("0", "1", "2", "4", "-1", "x"))
			default:
				args = append(args, g.Pick("FOO", "MINMATCHLEN"))
			}
		}
		return args
	}, nil},
}
