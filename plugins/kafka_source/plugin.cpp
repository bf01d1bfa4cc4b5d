// Entry point of the kafka_source plugin library.
#include "kafka_source.hpp"

WATCHPOST_PLUGIN("kafka_source", "0.1.0", "Consumes results from Kafka in a consumer group; commits only what sinks stored",
                 watchpost::kafka::KafkaSource)
