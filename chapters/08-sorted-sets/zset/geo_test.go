package zset_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

func startGeo(t *testing.T) (*server.Server, *servertest.Recorder) {
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		rec = servertest.RecordPropagated(s)
		zset.Register(s, cache.Register(s)).RegisterGeo(s)
	})
	return s, rec
}

// TestGeoPropagatesAsRedis checks what reaches the AOF, as read from
// redis-server 7.0.15's appendonly file after the same commands: GEOADD
// as the ZADD it runs, the storing searches as they came, also when an
// empty result deletes the destination, and nothing for the reads.
func TestGeoPropagatesAsRedis(t *testing.T) {
	s, rec := startGeo(t)
	c := servertest.Dial(t, servertest.Addr(s))
	tests := []struct {
		cmd   []string
		reply string
		want  []string
	}{
		{[]string{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"}, ":2\r\n",
			[]string{"0: zadd g 3479099956230698 Palermo 3479447370796909 Catania"}},
		{[]string{"GEOADD", "g", "nx", "ch", "1", "1", "x"}, ":1\r\n", []string{"0: zadd g nx ch 3377822707026402 x"}},
		{[]string{"GEOADD", "g", "13.361389", "38.115556", "Palermo"}, ":0\r\n", nil},
		{[]string{"GEOADD", "g", "200", "1", "y"}, "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n", nil},
		{[]string{"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "g2"}, ":2\r\n", []string{"0: GEORADIUS g 15 37 200 km STORE g2"}},
		{[]string{"GEORADIUS", "g", "15", "37", "1", "km", "STORE", "g2"}, ":0\r\n", []string{"0: GEORADIUS g 15 37 1 km STORE g2"}},
		{[]string{"GEORADIUS", "g", "15", "37", "1", "km", "STORE", "g2"}, ":0\r\n", nil},
		{[]string{"GEOSEARCHSTORE", "g3", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"}, ":2\r\n",
			[]string{"0: GEOSEARCHSTORE g3 g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST"}},
		{[]string{"ZSCORE", "g3", "Catania"}, "$18\r\n56.441257870158204\r\n", nil},
		{[]string{"GEOSEARCHSTORE", "g3", "nokey", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"}, ":0\r\n",
			[]string{"0: GEOSEARCHSTORE g3 nokey FROMLONLAT 15 37 BYRADIUS 200 km"}},
		{[]string{"GEORADIUSBYMEMBER", "g", "Palermo", "500", "km", "STOREDIST", "g4"}, ":2\r\n",
			[]string{"0: GEORADIUSBYMEMBER g Palermo 500 km STOREDIST g4"}},
		{[]string{"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "ASC"}, "*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n", nil},
		{[]string{"GEODIST", "g", "Palermo", "Catania", "km"}, "$8\r\n166.2742\r\n", nil},
	}
	for _, tc := range tests {
		if got := c.Do(tc.cmd...); got != tc.reply {
			t.Errorf("%q replied %q, want %q", tc.cmd, got, tc.reply)
		}
		servertest.ExpectPropagated(t, rec, tc.want...)
	}
}

// TestGeoThroughGoRedis: a real client's GEO calls parse gocache's
// replies into the values Redis's documentation shows.
func TestGeoThroughGoRedis(t *testing.T) {
	s, _ := startGeo(t)
	rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(s)})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := rdb.GeoAdd(ctx, "Sicily",
		&redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
		&redis.GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669}).Result()
	if err != nil || n != 2 {
		t.Fatalf("GeoAdd = %d, %v", n, err)
	}
	d, err := rdb.GeoDist(ctx, "Sicily", "Palermo", "Catania", "km").Result()
	if err != nil || d != 166.2742 {
		t.Errorf("GeoDist = %v, %v; want 166.2742", d, err)
	}
	pos, err := rdb.GeoPos(ctx, "Sicily", "Palermo", "nowhere").Result()
	if err != nil || len(pos) != 2 || pos[1] != nil || pos[0] == nil ||
		pos[0].Longitude != 13.36138933897018433 || pos[0].Latitude != 38.11555639549629859 {
		t.Errorf("GeoPos = %v, %v", pos, err)
	}
	hashes, err := rdb.GeoHash(ctx, "Sicily", "Palermo", "Catania").Result()
	if err != nil || len(hashes) != 2 || hashes[0] != "sqc8b49rny0" || hashes[1] != "sqdtr74hyu0" {
		t.Errorf("GeoHash = %q, %v", hashes, err)
	}
	locs, err := rdb.GeoSearchLocation(ctx, "Sicily", &redis.GeoSearchLocationQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km", Sort: "ASC"},
		WithCoord:      true, WithDist: true, WithHash: true,
	}).Result()
	if err != nil || len(locs) != 2 || locs[0].Name != "Catania" || locs[0].Dist != 56.4413 ||
		locs[0].GeoHash != 3479447370796909 || locs[1].Name != "Palermo" || locs[1].Dist != 190.4424 {
		t.Errorf("GeoSearchLocation = %+v, %v", locs, err)
	}
	stored, err := rdb.GeoSearchStore(ctx, "Sicily", "near", &redis.GeoSearchStoreQuery{
		GeoSearchQuery: redis.GeoSearchQuery{Member: "Palermo", Radius: 100, RadiusUnit: "km"}, StoreDist: true,
	}).Result()
	if err != nil || stored != 1 {
		t.Errorf("GeoSearchStore = %d, %v; want 1 (Palermo itself)", stored, err)
	}
	if sc, err := rdb.ZScore(ctx, "near", "Palermo").Result(); err != nil || sc != 0 {
		t.Errorf("stored distance of Palermo = %v, %v; want 0", sc, err)
	}
}
