package script

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// fakeDB is a Caller backed by a map: GET, SET, INCR and DEL with
// Redis's replies and the script-side errors of script.c, enough to
// compare the engine with real Redis on scripts that use only these.
type fakeDB struct {
	data     map[string]string
	noWrites bool
	calls    [][]string
}

func newFakeDB() *fakeDB { return &fakeDB{data: map[string]string{}} }

var fakeArity = map[string]int{"get": 2, "set": -3, "incr": 2, "del": -2}

func (db *fakeDB) Call(args [][]byte, proto int, _ Repl) ([]byte, bool) {
	w := resp.Writer{Proto: proto}
	name := strings.ToLower(string(args[0]))
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = string(a)
	}
	db.calls = append(db.calls, strs)
	arity, ok := fakeArity[name]
	switch {
	case !ok:
		w.Error("ERR Unknown Redis command called from script")
		return w.B, false
	case (arity > 0 && len(args) != arity) || (arity < 0 && len(args) < -arity):
		w.Error("ERR Wrong number of args calling Redis command from script")
		return w.B, false
	case name != "get" && db.noWrites:
		w.Error("ERR Write commands are not allowed from read-only scripts.")
		return w.B, false
	}
	switch name {
	case "get":
		if v, ok := db.data[strs[1]]; ok {
			w.BulkString(v)
		} else {
			w.Null()
		}
		return w.B, false
	case "set":
		db.data[strs[1]] = strs[2]
		w.SimpleString("OK")
	case "incr":
		n, err := strconv.ParseInt(db.data[strs[1]], 10, 64)
		if _, ok := db.data[strs[1]]; !ok {
			n, err = 0, nil
		}
		if err != nil {
			w.Error("ERR value is not an integer or out of range")
			return w.B, false
		}
		db.data[strs[1]] = strconv.FormatInt(n+1, 10)
		w.Int(n + 1)
	case "del":
		n := 0
		for _, k := range strs[1:] {
			if _, ok := db.data[k]; ok {
				delete(db.data, k)
				n++
			}
		}
		w.Int(int64(n))
	}
	return w.B, true
}
