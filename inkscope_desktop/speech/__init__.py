"""Speech: split streamed captions into sentences and speak them through a screen reader or an own voice.

No Qt here: the Qt accessibility-announcement route lives in ``inkscope_desktop.qt`` as a Speaker subclass.
"""

from inkscope_desktop.speech.audio import AudioSink, CommandPlayer, FolderSink, find_player
from inkscope_desktop.speech.base import QueuedSpeaker, Speaker, SpeechError
from inkscope_desktop.speech.narrator import Narrator
from inkscope_desktop.speech.routes import choose_speaker
from inkscope_desktop.speech.speaker_config import SpeechRoute, SpeakerConfig
from inkscope_desktop.speech.silent import SilentSpeaker
from inkscope_desktop.speech.splitter import SentenceSplitter, speakable, split_sentences
from inkscope_desktop.speech.synthesis import list_voices

__all__ = [
    "AudioSink", "CommandPlayer", "FolderSink", "Narrator", "QueuedSpeaker", "SentenceSplitter", "SilentSpeaker",
    "Speaker", "SpeechError", "SpeechRoute", "SpeakerConfig", "choose_speaker", "find_player", "speakable",
    "list_voices", "split_sentences",
]
