package server

import (
	_ "embed"
	"sort"
	"strings"
	"sync"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// commandDocsRESP is Redis 7.0.15's COMMAND DOCS for every command and
// subcommand Redis has, as one RESP3 map sorted by name, written by
// gendocs from a real redis-server. A command gets its docs by being in
// the table: the docs of commands a later layer registers are already here.
//
//go:generate go run ./gendocs -o commanddocs.resp -info commandinfo.resp
//go:embed commanddocs.resp
var commandDocsRESP []byte

// redisDocs indexes commandDocsRESP by full name ("get", "config|get"):
// each value is the map of doc fields Redis replies for that command.
// Parsed once, on the first COMMAND DOCS, and never changed.
var redisDocs = sync.OnceValue(func() map[string]resp.Value {
	all, _, err := resp.ParseValue(commandDocsRESP)
	if err != nil || all.Kind != resp.KindMap {
		panic("server: commanddocs.resp is not a RESP3 map; run go generate") // a broken build
	}
	index := map[string]resp.Value{}
	var add func(m resp.Value)
	add = func(m resp.Value) {
		for i := 0; i+1 < len(m.Elems); i += 2 {
			doc := m.Elems[i+1]
			index[string(m.Elems[i].Str)] = doc
			if subs, ok := docField(doc, "subcommands"); ok {
				add(subs)
			}
		}
	}
	add(all)
	return index
})

// docField finds a field of a doc map.
func docField(doc resp.Value, name string) (resp.Value, bool) {
	for i := 0; i+1 < len(doc.Elems); i += 2 {
		if string(doc.Elems[i].Str) == name {
			return doc.Elems[i+1], true
		}
	}
	return resp.Value{}, false
}

// writeDocs writes one command's entry of COMMAND DOCS: Redis's docs as
// they are, except that a container lists only the subcommands this
// server's table has, so the docs never promise a subcommand that would
// answer "unknown subcommand". A command Redis does not have gets its
// group only, as Redis gives a module command without docs.
func writeDocs(w *resp.Writer, cmd *Command) {
	doc, ok := redisDocs()[cmd.FullName()]
	if !ok {
		w.Map(1)
		w.BulkString("group")
		group := cmd.Group
		if group == "" {
			group = "server"
		}
		w.BulkString(group)
		return
	}
	n := len(doc.Elems) / 2
	if _, ok := docField(doc, "subcommands"); ok && len(cmd.Subcommands) == 0 {
		n-- // subcommands handled inside the command's own handler: none to list
	}
	w.Map(n)
	for i := 0; i+1 < len(doc.Elems); i += 2 {
		key, val := doc.Elems[i], doc.Elems[i+1]
		if string(key.Str) != "subcommands" {
			w.Value(key)
			w.Value(val)
			continue
		}
		if len(cmd.Subcommands) == 0 {
			continue
		}
		w.Value(key)
		subs := cmd.Subcommands.sorted()
		w.Map(len(subs))
		for _, sub := range subs {
			w.BulkString(sub.FullName())
			writeDocs(w, sub)
		}
	}
}

// sorted returns the table's commands by name.
func (t Table) sorted() []*Command {
	cmds := make([]*Command, 0, len(t))
	for _, cmd := range t {
		cmds = append(cmds, cmd)
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	return cmds
}

// LookupFull finds a command by the name COMMAND INFO and COMMAND DOCS
// take, in any case: "get", or a container and one of its subcommands,
// "config|get", as Redis 7 names them.
func (t Table) LookupFull(name []byte) *Command {
	parent, sub, ok := strings.Cut(string(name), "|")
	if !ok {
		return t.Lookup(name)
	}
	cmd := t.Lookup([]byte(parent))
	if cmd == nil || len(cmd.Subcommands) == 0 || strings.Contains(sub, "|") {
		return nil
	}
	return cmd.Subcommands.Lookup([]byte(sub))
}
