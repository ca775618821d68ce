// Package scriptinfo is the worked solution of chapter 15's exercise 4:
// an INFO section with the script cache's size, as Redis shows it in
// INFO memory.
package scriptinfo

import (
	"bytes"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/15-scripting/script"
)

// Register adds the "Scripting" INFO section for e's script cache. It
// is not in INFO's default output: only INFO scripting (or all) shows it.
func Register(s *server.Server, e *script.Engine) {
	s.AddInfo("Scripting", false, func(b *bytes.Buffer) {
		b.WriteString("number_of_cached_scripts:" + strconv.Itoa(e.Scripts.Len()) + "\r\n")
		b.WriteString("used_memory_scripts_eval:" + strconv.Itoa(e.Scripts.Bytes()) + "\r\n")
	})
}
