package script

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/glob"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// FunctionList is FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]; args
// are the words after LIST. Libraries and functions come sorted by name
// (Redis walks a hash table, in no fixed order).
func (e *Engine) FunctionList(proto int, args [][]byte) []byte {
	w := resp.Writer{Proto: proto}
	var pattern []byte
	hasPattern, withCode := false, false
	for i := 0; i < len(args); i++ {
		switch a := strings.ToLower(string(args[i])); {
		case a == "withcode" && !withCode:
			withCode = true
		case a == "libraryname" && !hasPattern:
			if i+1 == len(args) {
				w.Error("ERR library name argument was not given")
				return w.B
			}
			hasPattern, pattern = true, args[i+1]
			i++
		default:
			w.Error("ERR Unknown argument " + string(args[i]))
			return w.B
		}
	}
	var libs []*Library
	for _, l := range e.Funcs.Libraries() {
		if !hasPattern || glob.Match(pattern, []byte(l.Name), false) {
			libs = append(libs, l)
		}
	}
	w.Array(len(libs))
	for _, l := range libs {
		n := 3
		if withCode {
			n = 4
		}
		w.Map(n)
		w.BulkString("library_name")
		w.BulkString(l.Name)
		w.BulkString("engine")
		w.BulkString("LUA")
		w.BulkString("functions")
		fns := l.SortedFunctions()
		w.Array(len(fns))
		for _, f := range fns {
			w.Map(3)
			w.BulkString("name")
			w.BulkString(f.Name)
			w.BulkString("description")
			if f.Description == "" {
				w.Null()
			} else {
				w.BulkString(f.Description)
			}
			w.BulkString("flags")
			names := f.Flags.Names()
			w.Set(len(names))
			for _, fl := range names {
				w.SimpleString(fl)
			}
		}
		if withCode {
			w.BulkString("library_code")
			w.BulkString(l.Code)
		}
	}
	return w.B
}

// Running describes the script in progress for FUNCTION STATS.
type Running struct {
	Name     string   // the function's name
	Command  [][]byte // the FCALL that started it
	Duration int64    // milliseconds so far
}

// FunctionStats is FUNCTION STATS: the running function, if any, and
// the counts of the Lua engine.
func (e *Engine) FunctionStats(proto int, running *Running) []byte {
	w := resp.Writer{Proto: proto}
	w.Map(2)
	w.BulkString("running_script")
	if running == nil {
		w.Null()
	} else {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(running.Name)
		w.BulkString("command")
		w.Array(len(running.Command))
		for _, a := range running.Command {
			w.Bulk(a)
		}
		w.BulkString("duration_ms")
		w.Int(running.Duration)
	}
	libs, fns := e.Funcs.Count()
	w.BulkString("engines")
	w.Map(1)
	w.BulkString("LUA")
	w.Map(2)
	w.BulkString("libraries_count")
	w.Int(int64(libs))
	w.BulkString("functions_count")
	w.Int(int64(fns))
	return w.B
}

// FunctionDump is FUNCTION DUMP: every library's code in an RDB
// payload, as the rdb package writes it with Redis's defaults.
func (e *Engine) FunctionDump() []byte {
	var codes [][]byte
	for _, l := range e.Funcs.Libraries() {
		codes = append(codes, []byte(l.Code))
	}
	return rdb.DumpFunctions(codes, rdb.Defaults())
}

// errRestorePolicy is FUNCTION RESTORE's reply to an unknown policy.
var errRestorePolicy = errors.New("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")

// FunctionRestore is FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]:
// every library in the payload is loaded first, so a bad payload
// changes nothing; then they join the loaded ones under the policy.
func (e *Engine) FunctionRestore(payload []byte, policy string) error {
	policy = strings.ToUpper(policy)
	if policy == "" {
		policy = "APPEND"
	}
	if policy != "FLUSH" && policy != "APPEND" && policy != "REPLACE" {
		return errRestorePolicy
	}
	codes, err := rdb.ParseFunctionsDump(payload)
	if err != nil {
		if errors.Is(err, rdb.ErrDumpPayload) || errors.Is(err, rdb.ErrNotFunction) {
			return err
		}
		return fmt.Errorf("ERR %v", err)
	}
	incoming := newFunctions()
	for _, c := range codes {
		name, err := libraryName(string(c))
		if err != nil {
			return err
		}
		if _, dup := incoming.libs[name]; dup {
			return fmt.Errorf("ERR Library '%s' already exists", name)
		}
		lib, err := e.loadLibrary(name, string(c))
		if err != nil {
			return err
		}
		for fname := range lib.Functions {
			if _, dup := incoming.funcs[fname]; dup {
				return fmt.Errorf("ERR Function %s already exists", fname)
			}
		}
		incoming.add(lib)
	}
	if policy == "FLUSH" {
		e.Funcs = incoming
		return nil
	}
	// Check everything before changing anything.
	replaced := map[*Library]bool{}
	for _, l := range incoming.libs {
		if old, ok := e.Funcs.libs[l.Name]; ok {
			if policy == "APPEND" {
				return fmt.Errorf("ERR Library %s already exists", l.Name)
			}
			replaced[old] = true
		}
	}
	for fname := range incoming.funcs {
		if f, ok := e.Funcs.funcs[fname]; ok && !replaced[f.Library] {
			return fmt.Errorf("ERR Function %s already exists", fname)
		}
	}
	for old := range replaced {
		e.Funcs.remove(old)
	}
	for _, l := range incoming.libs {
		e.Funcs.add(l)
	}
	return nil
}
