package server

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// commandInfoRESP is, for every command and subcommand of Redis 7.0.15 by
// full name, the part of its COMMAND INFO entry that describes the
// command itself: its ACL categories, tips and key specs. gendocs writes
// it from a real redis-server, with commanddocs.resp.
//
//go:embed commandinfo.resp
var commandInfoRESP []byte

// described is what Redis says of one command: the three values as
// COMMAND INFO replies them, and the key specs parsed.
type described struct {
	categories, tips, keySpecs resp.Value
	specs                      []keySpec
}

// redisDescriptions indexes commandInfoRESP by full name, parsed once.
var redisDescriptions = sync.OnceValue(func() map[string]*described {
	all, _, err := resp.ParseValue(commandInfoRESP)
	if err != nil || all.Kind != resp.KindMap {
		panic("server: commandinfo.resp is not a RESP3 map; run go generate") // a broken build
	}
	index := map[string]*described{}
	for i := 0; i+1 < len(all.Elems); i += 2 {
		m := all.Elems[i+1]
		d := &described{}
		d.categories, _ = docField(m, "acl_categories")
		d.tips, _ = docField(m, "tips")
		d.keySpecs, _ = docField(m, "key_specs")
		for _, spec := range d.keySpecs.Elems {
			d.specs = append(d.specs, parseKeySpec(spec))
		}
		index[string(all.Elems[i].Str)] = d
	}
	return index
})

// description is Redis's description of cmd, nil for a command Redis
// does not have.
func (cmd *Command) description() *described { return redisDescriptions()[cmd.FullName()] }

// keySpec is one of a command's key specs (Redis 7's keySpec): where the
// search for its keys begins (an argument index, or after a keyword) and
// how the keys are found from there (a range, or a count argument).
type keySpec struct {
	flags []string

	begin    string // "index", "keyword" or "unknown"
	index    int    // begin "index": the first key's position
	keyword  string // begin "keyword": the keys follow it ...
	startAt  int    // ... searched from this argument (negative: from the end, backwards)
	find     string // "range", "keynum" or "unknown"
	lastKey  int    // range: the last key, relative to the first (negative: from the end)
	keyStep  int    // range and keynum: distance between keys
	limit    int    // range with lastKey -1: only 1/limit of what is left are keys
	keyNum   int    // keynum: where the count is, relative to the first key's search start
	firstKey int    // keynum: where the keys start, relative to the same
}

func parseKeySpec(v resp.Value) keySpec {
	var ks keySpec
	if f, ok := docField(v, "flags"); ok {
		for _, e := range f.Elems {
			ks.flags = append(ks.flags, string(e.Str))
		}
	}
	num := func(m resp.Value, name string) int {
		f, _ := docField(m, name)
		return int(f.Int)
	}
	if bs, ok := docField(v, "begin_search"); ok {
		t, _ := docField(bs, "type")
		spec, _ := docField(bs, "spec")
		ks.begin = string(t.Str)
		ks.index = num(spec, "index")
		kw, _ := docField(spec, "keyword")
		ks.keyword = string(kw.Str)
		ks.startAt = num(spec, "startfrom")
	}
	if fk, ok := docField(v, "find_keys"); ok {
		t, _ := docField(fk, "type")
		spec, _ := docField(fk, "spec")
		ks.find = string(t.Str)
		ks.lastKey, ks.keyStep, ks.limit = num(spec, "lastkey"), num(spec, "keystep"), num(spec, "limit")
		ks.keyNum, ks.firstKey = num(spec, "keynumidx"), num(spec, "firstkey")
	}
	return ks
}

func (ks *keySpec) has(flag string) bool {
	for _, f := range ks.flags {
		if f == flag {
			return true
		}
	}
	return false
}

// KeyArg is one key argument of a command: its position in the
// arguments and the flags of the key spec that found it (RO, RW, OW,
// access, update ...).
type KeyArg struct {
	Pos   int
	Flags []string
}

// KeyArgs finds the key arguments of args, a call of cmd, as Redis's
// getKeysFromCommandWithSpecs does: from Redis's key specs where they are
// complete, else from the command's own KeysOf, else from FirstKey,
// LastKey and Step. Client-side caching remembers what a read touched
// through it, and COMMAND GETKEYS shows it.
func (cmd *Command) KeyArgs(args [][]byte) []KeyArg {
	d := cmd.description()
	complete := d != nil && len(d.specs) > 0 && !incomplete(d.specs)
	if complete || (d != nil && len(d.specs) > 0 && cmd.KeysOf == nil) {
		if keys, ok := keysFromSpecs(d.specs, args); ok || complete {
			return keys
		}
	}
	if cmd.KeysOf != nil {
		return cmd.KeysOf(args)
	}
	pos := cmd.Keys(len(args))
	keys := make([]KeyArg, len(pos))
	for i, p := range pos {
		keys[i].Pos = p
	}
	return keys
}

// incomplete reports whether a key spec cannot find every key (SORT's BY
// and STORE, MIGRATE's KEYS), or its flags depend on the arguments.
func incomplete(specs []keySpec) bool {
	for i := range specs {
		if specs[i].has("incomplete") || specs[i].has("variable_flags") || specs[i].begin == "unknown" {
			return true
		}
	}
	return false
}

// keysFromSpecs is Redis's getKeysUsingKeySpecs. A spec whose keyword is
// absent finds nothing; one that points outside the arguments makes the
// whole search fail (ok false), as a malformed command does in Redis.
func keysFromSpecs(specs []keySpec, args [][]byte) (keys []KeyArg, ok bool) {
	argc := len(args)
	for i := range specs {
		ks := &specs[i]
		first := 0
		switch ks.begin {
		case "index":
			first = ks.index
		case "keyword":
			first = keywordEnd(ks, args)
			if first == 0 {
				continue
			}
		default:
			continue // "unknown": another way finds these keys
		}
		var last, step int
		switch ks.find {
		case "range":
			step = ks.keyStep
			switch {
			case ks.lastKey >= 0:
				last = first + ks.lastKey
			case ks.limit == 0:
				last = argc + ks.lastKey
			default:
				last = first + (argc-first)/ks.limit + ks.lastKey
			}
		case "keynum":
			if first+ks.keyNum >= argc {
				return nil, false
			}
			n, isNum := resp.ParseInt(args[first+ks.keyNum])
			if !isNum || n < 0 {
				return nil, false
			}
			first += ks.firstKey
			step = ks.keyStep
			last = first + (int(n)-1)*step
		default:
			continue
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for p := first; p <= last; p += step {
			keys = append(keys, KeyArg{Pos: p, Flags: ks.flags})
		}
	}
	return keys, true
}

// keywordEnd is where a keyword spec's keys begin: just after its
// keyword, searched forwards from startAt or backwards from the end; 0
// when the keyword is not there.
func keywordEnd(ks *keySpec, args [][]byte) int {
	argc := len(args)
	start, end := ks.startAt, argc-1
	if ks.startAt <= 0 {
		start, end = argc+ks.startAt, 1
	}
	for i := start; i != end; {
		if i >= argc || i < 1 {
			break
		}
		if strings.EqualFold(string(args[i]), ks.keyword) {
			return i + 1
		}
		if start <= end {
			i++
		} else {
			i--
		}
	}
	return 0
}

// hasKeys is Redis's doesCommandHaveKeys: a command with key specs that
// are not all not_key, or with a way of its own to find its keys.
func (cmd *Command) hasKeys() bool {
	if cmd.KeysOf != nil {
		return true
	}
	if d := cmd.description(); d != nil {
		for i := range d.specs {
			if !d.specs[i].has("not_key") {
				return true
			}
		}
		return false
	}
	return cmd.FirstKey > 0
}
