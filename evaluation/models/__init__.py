from .commitments import GrantCommitment
from .figures import YearFigures
from .runs import EvaluationResult, EvaluationRun, Grade, Group, RunError, RunState
from .scheme import BenchmarkKind, EvaluationScheme, IndustryBenchmark, SchemeIndicator

__all__ = [
    "BenchmarkKind",
    "EvaluationResult",
    "EvaluationRun",
    "EvaluationScheme",
    "Grade",
    "GrantCommitment",
    "Group",
    "IndustryBenchmark",
    "RunError",
    "RunState",
    "SchemeIndicator",
    "YearFigures",
]
