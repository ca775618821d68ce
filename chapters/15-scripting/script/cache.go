package script

import (
	"crypto/sha1"
	"encoding/hex"

	lua "github.com/yuin/gopher-lua"
)

// Cache is the EVAL script cache: each body compiled once, kept under
// the lowercase hex SHA1 of its text (Redis names the function f_<sha>).
type Cache struct {
	scripts map[string]*cached
	bytes   int
}

type cached struct {
	body  string
	fn    *lua.LFunction
	flags Flags
}

func newCache() *Cache { return &Cache{scripts: map[string]*cached{}} }

// SHA1Hex is the name a script body is cached under.
func SHA1Hex(body string) string {
	sum := sha1.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// Exists is SCRIPT EXISTS for one SHA1 (any case).
func (c *Cache) Exists(sha string) bool {
	_, ok := c.scripts[lower(sha)]
	return ok
}

// Len is the number of cached scripts (INFO's number_of_cached_scripts).
func (c *Cache) Len() int { return len(c.scripts) }

// Bytes is the total size of the cached bodies (used_memory_scripts_eval).
func (c *Cache) Bytes() int { return c.bytes }

// Flush is SCRIPT FLUSH: every script forgotten.
func (c *Cache) Flush() {
	c.scripts = map[string]*cached{}
	c.bytes = 0
}

func (c *Cache) get(sha string) *cached { return c.scripts[lower(sha)] }

func (c *Cache) put(sha string, s *cached) {
	if _, ok := c.scripts[sha]; !ok {
		c.bytes += len(s.body)
	}
	c.scripts[sha] = s
}

func lower(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return string(b)
}
