// Entry point of the kafka_sink plugin library.
#include "kafka_sink.hpp"

WATCHPOST_PLUGIN("kafka_sink", "0.1.0", "Publishes results to Kafka; acknowledged only on delivery reports",
                 watchpost::kafka::KafkaSink)
