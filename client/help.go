package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

const helpText = `gocache-cli: type a command and its arguments, e.g.  SET greeting "hello world"
      "help <command>" for help on <command> (from the server's COMMAND DOCS)
      "quit" or "exit" to leave
Arguments are split like redis-cli: "double quotes" understand \n \r \t \xHH,
'single quotes' are taken as they are. Up and down walk the history.
`

// help prints the general help, or the server's documentation of one
// command. Asking the server keeps the client free of a command table.
func (s *session) help(args []string) {
	if len(args) == 0 {
		io.WriteString(s.out, helpText)
		return
	}
	name := strings.Join(args, " ")
	if s.c == nil {
		fmt.Fprintf(s.out, "No help for '%s': not connected\n", name)
		return
	}
	v, err := s.c.do(docsCommand(args)...)
	if err != nil {
		fmt.Fprintf(s.out, "No help for '%s'\n", name)
		return
	}
	s.printDoc(name, v)
}

func docsCommand(args []string) []string {
	return []string{"COMMAND", "DOCS", strings.Join(args, "|")}
}

// printDoc prints the reply to COMMAND DOCS as a short synopsis.
func (s *session) printDoc(name string, v resp.Value) {
	if isError(v) || len(v.Elems) < 2 {
		fmt.Fprintf(s.out, "No help for '%s'\n", name)
		return
	}
	doc := v.Elems[1]
	fmt.Fprintf(s.out, "\n  %s %s\n", strings.ToUpper(name), argsSyntax(field(doc, "arguments").Elems))
	fmt.Fprintf(s.out, "  summary: %s\n", field(doc, "summary").Str)
	fmt.Fprintf(s.out, "  since: %s\n", field(doc, "since").Str)
	fmt.Fprintf(s.out, "  group: %s\n\n", field(doc, "group").Str)
}

// field looks a name up in a reply that is a map in RESP3 and a flat
// key, value, ... array in RESP2; both read the same in Elems.
func field(v resp.Value, name string) resp.Value {
	for i := 0; i+1 < len(v.Elems); i += 2 {
		if string(v.Elems[i].Str) == name {
			return v.Elems[i+1]
		}
	}
	return resp.Value{}
}

// argsSyntax renders COMMAND DOCS arguments as the usual synopsis:
// "key value [NX|XX] [GET]".
func argsSyntax(args []resp.Value) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, argSyntax(a))
	}
	return strings.Join(parts, " ")
}

func argSyntax(a resp.Value) string {
	token := string(field(a, "token").Str)
	var s string
	switch string(field(a, "type").Str) {
	case "pure-token":
		s = token
	case "oneof", "block":
		sep := " "
		if string(field(a, "type").Str) == "oneof" {
			sep = "|"
		}
		var kids []string
		for _, k := range field(a, "arguments").Elems {
			kids = append(kids, argSyntax(k))
		}
		s = strings.Join(kids, sep)
		if token != "" {
			s = token + " " + s
		}
	default:
		s = string(field(a, "name").Str)
		if token != "" {
			s = token + " " + s
		}
	}
	var optional bool
	for _, f := range field(a, "flags").Elems {
		switch string(f.Str) {
		case "optional":
			optional = true
		case "multiple":
			s += " [" + s + " ...]"
		}
	}
	if optional {
		s = "[" + s + "]"
	}
	return s
}
