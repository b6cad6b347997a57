"""Recordings of the interviews: the sound and video formats (`formats`), reading a file
(`files`: format checked, size and digest streamed, duration), the times of turns
(`timeline`), the `recordings` table (`stored`), the grants through which a server
streams a file (`grants`) and the player a notebook shows (`playback`). No widgets here.

Nothing is imported here: the server's media route imports `grants` alone, without
pandas nor the database."""
