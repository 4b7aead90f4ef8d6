#!/usr/bin/env bash
# Rebuilds the audio fixtures of tests/ingest from espeak-ng speech (needs espeak-ng and ffmpeg;
# the tests themselves need neither). Every file stays under 60 KB so the repository stays small.
# Run from anywhere: bash tests/data/ingest/make_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# ~2 s of speech, one voice per side of the call.
espeak-ng -v en-us -s 170 -w "$tmp/a.wav" "Thanks for making time today."
espeak-ng -v en-gb -s 170 -w "$tmp/b.wav" "Happy to help."
# The base clip: exactly 2.0 s, mono 16 kHz (espeak writes 22050 Hz).
ff -i "$tmp/a.wav" -af "apad" -t 2.0 -ar 16000 -ac 1 "$tmp/base.wav"

ff -i "$tmp/base.wav" -c:a libmp3lame -b:a 32k speech.mp3
ff -i "$tmp/base.wav" -c:a aac -b:a 32k speech.m4a
ff -i "$tmp/base.wav" -ar 8000 -c:a flac -sample_fmt s16 speech.flac
ff -i "$tmp/base.wav" -ar 8000 -c:a pcm_s16le speech_8k.wav
# 44.1 kHz source, kept short (0.6 s) so the PCM file stays small.
ff -i "$tmp/base.wav" -t 0.6 -ar 44100 -c:a pcm_s16le speech_44k.wav
# mp4 and webm: a tiny video track plus the audio track we must find.
ff -f lavfi -i "color=c=black:s=16x16:r=2" -i "$tmp/base.wav" -t 2.0 -shortest \
   -c:v libx264 -pix_fmt yuv420p -c:a aac -b:a 32k meeting.mp4
ff -f lavfi -i "color=c=black:s=16x16:r=2" -i "$tmp/base.wav" -t 2.0 -shortest \
   -c:v libvpx -b:v 10k -c:a libopus -b:a 24k meeting.webm
# webm written to a pipe, as browsers' MediaRecorder writes it: no duration in its header.
ffmpeg -hide_banner -loglevel error -y -i "$tmp/base.wav" -c:a libopus -b:a 16k -f webm pipe:1 > streamed.webm
# Video without any audio stream.
ff -f lavfi -i "color=c=black:s=16x16:r=2" -t 1.0 -c:v libx264 -pix_fmt yuv420p no_audio.mp4

# Stereo: the rep speaks on the left during the first second, the buyer on the right during the second.
ff -i "$tmp/a.wav" -af "atrim=0:1.0,apad" -t 1.5 -ar 8000 -ac 1 "$tmp/left.wav"
ff -i "$tmp/b.wav" -af "atrim=0:0.5,adelay=1000,apad" -t 1.5 -ar 8000 -ac 1 "$tmp/right.wav"
ff -i "$tmp/left.wav" -i "$tmp/right.wav" -filter_complex "[0:a][1:a]join=inputs=2:channel_layout=stereo" \
   -c:a pcm_s16le stereo_8k.wav
ff -i stereo_8k.wav -c:a libvorbis -q:a 0 stereo.ogg
# Dual mono: the same signal on both channels (a phone recorder's "stereo").
ff -i "$tmp/base.wav" -ar 8000 -ac 2 -c:a flac dual_mono.flac
# Three channels (3.0 layout), 1 s.
ff -i "$tmp/base.wav" -t 1.0 -ar 8000 -filter_complex "[0:a]asplit=3[l][r][c];[l][r][c]join=inputs=3:channel_layout=3.0" \
   -c:a flac three_channels.flac
# 1 s of digital silence, and a WAV with a valid header and no frames.
ff -f lavfi -i "anullsrc=r=8000:cl=mono" -t 1.0 -c:a flac silence.flac
ff -f lavfi -i "anullsrc=r=8000:cl=mono" -frames:a 0 -c:a pcm_s16le zero_frames.wav
# Random bytes named .mp3 (a fixed seed, so the file is the same each time).
python3 -c "import random; r=random.Random(7); open('corrupt.mp3','wb').write(bytes(r.randrange(256) for _ in range(4096)))"
ls -l
