// Package leaderboard is the solution of chapter 08's second exercise:
// the standing a score would take in a sorted set, from a count by
// score, without walking the members.
package leaderboard

import (
	"math"

	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// Standing is how many members of z have a score strictly higher than
// score: 0 means a new member with that score would be first from the
// top (ZREVRANK order). It is ZCOUNT key (score +inf.
func Standing(z *zset.ZSet, score float64) int {
	return z.CountByScore(zset.ScoreRange{Min: score, Max: math.Inf(1), MinEx: true})
}
