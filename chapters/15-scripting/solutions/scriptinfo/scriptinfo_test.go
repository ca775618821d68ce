package scriptinfo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
	"github.com/gocache/gocache/chapters/15-scripting/solutions/scriptinfo"
)

func TestInfoCountsCachedScripts(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		cache.Register(s)
		scr := scripting.Register(s, scripting.Config{BusyReplyThreshold: 5 * time.Second})
		scriptinfo.Register(s, scr.Engine())
	})
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SCRIPT", "LOAD", "return 1")   // 8 bytes
	c.Do("EVAL", "return 'twelve'", "0") // 15 bytes
	c.Do("SCRIPT", "LOAD", "return 1")   // cached already
	info := c.Do("INFO", "scripting")
	for _, want := range []string{"number_of_cached_scripts:2\r\n", "used_memory_scripts_eval:23\r\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO scripting lacks %q:\n%s", want, info)
		}
	}
	c.Do("SCRIPT", "FLUSH")
	if info := c.Do("INFO", "scripting"); !strings.Contains(info, "number_of_cached_scripts:0\r\n") {
		t.Errorf("after SCRIPT FLUSH:\n%s", info)
	}
}
