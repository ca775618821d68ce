package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/chzyer/readline"
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

const historyName = ".gocache_cli_history"

// repl is the interactive prompt: line editing and history from readline,
// the prompt redrawn before each line so it shows the selected db.
func (s *session) repl() int {
	s.connect() // on failure the prompt says "not connected" and each command retries
	defer s.disconnect()
	cfg := &readline.Config{
		Prompt:                 s.prompt(),
		DisableAutoSaveHistory: true, // passwords must not reach the file
		HistorySearchFold:      true,
	}
	if home, err := os.UserHomeDir(); err == nil {
		cfg.HistoryFile = filepath.Join(home, historyName)
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		fmt.Fprintln(s.errw, "Error:", err)
		return 1
	}
	defer rl.Close()
	for {
		rl.SetPrompt(s.prompt())
		line, err := rl.Readline()
		if err != nil { // Ctrl-D (io.EOF) or Ctrl-C (readline.ErrInterrupt)
			return 0
		}
		args, err := resp.SplitArgs(line)
		if err != nil {
			fmt.Fprintln(s.out, "Invalid argument(s)")
			continue
		}
		if len(args) == 0 {
			continue
		}
		if !sensitive(args) {
			rl.SaveHistory(line)
		}
		switch {
		case isCmd(args, "quit") || isCmd(args, "exit"):
			return 0
		case isCmd(args, "clear"):
			io.WriteString(s.out, "\x1b[H\x1b[2J")
			continue
		}
		repeat, args := repeatPrefix(args)
		for i := 0; i < repeat; i++ {
			s.interactive(args)
		}
	}
}

// repeatPrefix splits redis-cli's "3 INCR counter" into 3 and the command.
func repeatPrefix(args []string) (int, []string) {
	if len(args) > 1 {
		if n, err := strconv.Atoi(args[0]); err == nil && n > 0 {
			return n, args[1:]
		}
	}
	return 1, args
}

// interactive runs one command at the prompt. Unlike the other modes it
// survives a lost connection: it reconnects and retries once, like
// redis-cli, and otherwise leaves the prompt at "not connected".
func (s *session) interactive(args []string) {
	if s.c == nil && !isCmd(args, "help") && !isCmd(args, "?") {
		if s.connect() != nil {
			return
		}
	}
	if streams(args) {
		s.interruptible(args)
		return
	}
	_, err := s.exec(args)
	if err != nil && closedByServer(err) {
		s.disconnect()
		if isCmd(args, "shutdown") {
			return // the server went away as asked
		}
		if s.connect() != nil {
			return
		}
		_, err = s.exec(args)
	}
	if err != nil {
		fmt.Fprintln(s.errw, ioError(err))
		s.disconnect()
	}
}

// interruptible runs SUBSCRIBE or MONITOR until Ctrl-C, then returns to
// the prompt on a fresh connection (the old one is no longer usable for
// ordinary commands).
func (s *session) interruptible(args []string) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	var interrupted atomic.Bool
	stop := make(chan struct{})
	defer close(stop)
	c := s.c
	go func() {
		select {
		case <-sig:
			interrupted.Store(true)
			c.close()
		case <-stop:
		}
	}()
	_, err := s.exec(args)
	if !interrupted.Load() {
		fmt.Fprintln(s.errw, ioError(err))
	}
	s.disconnect()
	s.connect()
}

// sensitive reports whether a line holds a password, which redis-cli
// keeps out of the history file.
func sensitive(args []string) bool {
	switch {
	case isCmd(args, "auth"):
		return true
	case isCmd(args, "hello"), isCmd(args, "migrate"):
		for _, a := range args {
			if strings.EqualFold(a, "auth") || strings.EqualFold(a, "auth2") {
				return true
			}
		}
	case isCmd(args, "acl"):
		return len(args) > 1 && strings.EqualFold(args[1], "setuser")
	case isCmd(args, "config"):
		for _, a := range args {
			switch strings.ToLower(a) {
			case "masterauth", "masteruser", "requirepass":
				return true
			}
		}
	}
	return false
}
