public enum ExperimentRunnerPlaceholder {}
