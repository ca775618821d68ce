package config

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Register makes every option visible to CONFIG GET, and the mutable ones
// changeable with CONFIG SET, through v (so OnChange hooks apply them);
// and it adds CONFIG REWRITE, which writes them back to the file.
// Layers that own an option at run time (the AOF's appendfsync, dir ...)
// register their own server.Param afterwards, which replaces this one.
func (v *Values) Register(s *server.Server) {
	for _, name := range v.Names() {
		name := name
		o := v.byName[name]
		p := &server.Param{Name: name, Get: func() string { return v.Get(name) }}
		if o.Mutable {
			p.Set = func(val string) error { return v.Set(name, val) }
		}
		s.Config.Add(p)
	}
	s.Commands.Lookup([]byte("config")).AddSubcommands(&server.Command{Name: "rewrite", Arity: 2,
		Flags: server.Admin | server.NoScript | server.Loading | server.Stale, Run: v.configRewrite(s)})
}
