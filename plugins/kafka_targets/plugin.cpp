// Entry point of the kafka_targets plugin library: exports the targets provider.
#include "kafka_targets.hpp"

WATCHPOST_PLUGIN("kafka_targets", "0.1.0",
                 "The fleet's targets: this checker's share of the catalogue topic, split by a Kafka consumer group",
                 watchpost::kafka::KafkaTargets)
