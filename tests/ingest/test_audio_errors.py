"""Bad recordings are refused before any work, with an error naming the file and the problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callcoach.errors import EmptyInput, InputError, RecordingTooLong, UnsupportedAudio
from callcoach.settings import Settings
from ingest import read_input
from ingest.audio import decode_audio


def _raises(exc_type: type[InputError], path: Path, settings: Settings, *words: str) -> InputError:
    with pytest.raises(exc_type) as info:
        decode_audio(path, settings=settings)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message
    return info.value


def test_audio_missing_file(tmp_path: Path, settings: Settings) -> None:
    _raises(InputError, tmp_path / "call.wav", settings, "file not found")


def test_audio_directory(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "calls.wav"
    folder.mkdir()
    _raises(InputError, folder, settings, "is a directory")


def test_audio_zero_bytes(write_file: Callable[[str, str | bytes], Path], settings: Settings) -> None:
    _raises(EmptyInput, write_file("call.wav", b""), settings, "file is empty (0 bytes)")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_wav_header_without_frames(data: Path, settings: Settings) -> None:
    _raises(EmptyInput, data / "zero_frames.wav", settings, "no audio samples")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_all_silent(data: Path, settings: Settings) -> None:
    _raises(EmptyInput, data / "silence.flac", settings, "silent")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_random_bytes_named_mp3(data: Path, settings: Settings) -> None:
    _raises(UnsupportedAudio, data / "corrupt.mp3", settings, "not a readable audio or video file")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_text_named_wav(write_file: Callable[[str, str | bytes], Path], settings: Settings) -> None:
    path = write_file("notes.wav", "Call notes: Priya wants a follow-up on Thursday.\n" * 20)
    _raises(UnsupportedAudio, path, settings, "not a readable audio or video file")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_video_without_audio_stream(data: Path, settings: Settings) -> None:
    _raises(UnsupportedAudio, data / "no_audio.mp4", settings, "no audio stream", "video")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_longer_than_limit(data: Path, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_recording_s=1.0)
    _raises(RecordingTooLong, data / "speech.mp3", settings, "2.0s long", "limit is 1.0s",
            "CALLCOACH_MAX_RECORDING_S")


@pytest.mark.slow
@pytest.mark.audio
def test_audio_ten_hour_header_refused_without_decoding(data: Path, tmp_path: Path,
                                                        settings: Settings) -> None:
    # speech.flac (2 s at 8 kHz) with its STREAMINFO claiming 10 hours: only the header can say so,
    # so refusing it proves the limit is checked before decoding.
    flac = bytearray((data / "speech.flac").read_bytes())
    assert flac[:4] == b"fLaC"
    at = 8 + 10  # marker + block header + min/max block and frame sizes
    fields = int.from_bytes(flac[at:at + 8], "big")
    total_mask = (1 << 36) - 1
    assert fields & total_mask == 16000
    fields = (fields & ~total_mask) | (10 * 3600 * 8000)
    flac[at:at + 8] = fields.to_bytes(8, "big")
    long_file = tmp_path / "ten_hours.flac"
    long_file.write_bytes(bytes(flac))

    _raises(RecordingTooLong, long_file, settings, "10:00:00 long", "limit is 4:00:00")
    # With a limit above 10 h the same file decodes to what it really holds.
    roomy = Settings(data_dir=tmp_path, max_recording_s=11 * 3600)
    assert decode_audio(long_file, settings=roomy).duration_s == pytest.approx(2.0, abs=0.01)


@pytest.mark.slow
@pytest.mark.audio
def test_audio_limit_holds_when_header_has_no_duration(data: Path, tmp_path: Path) -> None:
    # streamed.webm (as a browser records it) declares no duration: the limit is enforced while
    # decoding instead, and the same file within the limit decodes whole.
    path = data / "streamed.webm"
    _raises(RecordingTooLong, path, Settings(data_dir=tmp_path, max_recording_s=0.5), "longer than the limit")
    audio = decode_audio(path, settings=Settings(data_dir=tmp_path))
    assert audio.duration_s == pytest.approx(2.0, abs=0.1)


@pytest.mark.parametrize("name", ["notes.txt", "proposal.docx", "call"])
def test_read_input_unsupported_suffix(write_file: Callable[[str, str | bytes], Path],
                                       settings: Settings, name: str) -> None:
    from callcoach.errors import UnsupportedInput

    path = write_file(name, "Dana: hello")
    with pytest.raises(UnsupportedInput) as info:
        read_input(path, settings=settings)
    message = str(info.value)
    assert message.startswith(f"{path}: unsupported file type")
    assert ".mp3" in message and ".vtt" in message and ".json" in message
