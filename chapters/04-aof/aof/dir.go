package aof

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// Dir is the AOF directory, <dir>/<appenddirname>, and the file name prefix
// (appendfilename) its files are named after.
type Dir struct {
	FS     FS     // nil means OS
	Path   string // e.g. "/var/lib/gocache/appendonlydir"
	Prefix string // e.g. "appendonly.aof"
}

func (d Dir) fs() FS {
	if d.FS == nil {
		return OS{}
	}
	return d.FS
}

// File returns the path of a file of the directory.
func (d Dir) File(name string) string { return filepath.Join(d.Path, name) }

// ManifestName is <appendfilename>.manifest.
func (d Dir) ManifestName() string { return d.Prefix + manifestSuffix }

// TempName is the name a file is written under before it is renamed over
// name, so a crash never leaves a half-written file under the real name.
func TempName(name string) string { return tempPrefix + name }

// ReadManifest loads the manifest. A missing directory or manifest is not
// an error: it returns an empty manifest, as Redis does on a first start.
func (d Dir) ReadManifest() (*Manifest, error) {
	path := d.File(d.ManifestName())
	f, err := d.fs().Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Manifest{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("can't open the AOF manifest file %s for reading: %w", path, err)
	}
	defer f.Close()
	m, err := ParseManifest(f)
	if err != nil {
		return nil, fmt.Errorf("AOF manifest %s: %w", path, err)
	}
	return m, nil
}

// WriteManifest replaces the manifest atomically: write a temp file, fsync
// it, rename it over the manifest, fsync the directory (Redis's
// writeAofManifestFile). After a crash the directory holds either the old
// manifest or the new one, never a mix.
func (d Dir) WriteManifest(m *Manifest) error {
	text, _ := m.MarshalText()
	tmp := d.File(TempName(d.ManifestName()))
	if err := d.WriteFileSync(tmp, text); err != nil {
		return err
	}
	if err := d.fs().Rename(tmp, d.File(d.ManifestName())); err != nil {
		return fmt.Errorf("rename the temporary AOF manifest: %w", err)
	}
	if err := d.fs().SyncDir(d.Path); err != nil {
		return fmt.Errorf("fsync AOF directory %s: %w", d.Path, err)
	}
	return nil
}

// WriteFileSync creates path with content and fsyncs it.
func (d Dir) WriteFileSync(path string, content []byte) error {
	f, err := d.fs().Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Size returns the size of a file of the directory.
func (d Dir) Size(name string) (int64, error) { return d.fs().Size(d.File(name)) }

// RemoveHistory deletes the history files and persists the manifest without
// them (Redis's aofDelHistoryFiles). The manifest is written first: a
// crash in between leaves unlisted files behind, never a listed file missing.
func (d Dir) RemoveHistory(m *Manifest) error {
	if len(m.History) == 0 {
		return nil
	}
	old := m.History
	m.History = nil
	if err := d.WriteManifest(m); err != nil {
		m.History = old
		return err
	}
	var first error
	for _, h := range old {
		if err := d.fs().Remove(d.File(h.Name)); err != nil && first == nil && !errors.Is(err, fs.ErrNotExist) {
			first = err
		}
	}
	return first
}
