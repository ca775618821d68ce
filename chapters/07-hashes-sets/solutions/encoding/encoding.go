// Package encoding is the solution of chapter 07's first exercise:
// predict what OBJECT ENCODING answers for a set or a hash from the
// members or pairs written to it and the thresholds, without building it.
package encoding

import "github.com/gocache/gocache/chapters/02-resp/resp"

// SetEncoding is the encoding of a set after SADD of members (in order)
// with set-max-intset-entries maxIntset: "intset" while every member is
// an integer in canonical form and there are at most maxIntset distinct
// ones, else "hashtable", for good.
func SetEncoding(members []string, maxIntset int) string {
	distinct := map[string]bool{}
	for _, m := range members {
		if _, ok := resp.ParseInt([]byte(m)); !ok {
			return "hashtable"
		}
		distinct[m] = true
		if len(distinct) > maxIntset {
			return "hashtable"
		}
	}
	return "intset"
}

// HashEncoding is the encoding of a hash after HSET of pairs (field,
// value, field, value ...) with hash-max-listpack-entries entries and
// hash-max-listpack-value value: "listpack" until a field or value is
// longer than value bytes or there are more than entries fields.
func HashEncoding(pairs []string, entries, value int) string {
	fields := map[string]bool{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if len(pairs[i]) > value || len(pairs[i+1]) > value {
			return "hashtable"
		}
		fields[pairs[i]] = true
		if len(fields) > entries {
			return "hashtable"
		}
	}
	return "listpack"
}
