package admin

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/final/config"
)

// start runs a server with the config and admin layers, options set as
// name, value pairs, and a stand-in write command ("setx") for the tests
// that need one; prepare may adjust the admin layer before it serves.
func start(t *testing.T, prepare func(a *Admin), opts ...string) string {
	t.Helper()
	v := config.New()
	for i := 0; i+1 < len(opts); i += 2 {
		if err := v.Set(opts[i], opts[i+1]); err != nil {
			t.Fatalf("%s %s: %v", opts[i], opts[i+1], err)
		}
	}
	s := servertest.Start(t, func(s *server.Server) {
		v.Register(s)
		a := Register(s, v)
		s.Commands.Add(&server.Command{Name: "setx", Arity: -1, Flags: server.Write | server.DenyOOM, Run: func(c *server.Client) { c.OK() }})
		if prepare != nil {
			prepare(a)
		}
	})
	return servertest.Addr(s)
}
